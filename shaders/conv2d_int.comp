#version 450
// Integer KxK convolution with stride and padding (the stem): positions in the padding hold the
// input zero point and contribute nothing. OUT_X horizontally adjacent outputs of four channels per
// invocation share each weight fetch. Two inner products of the same integers:
//  * MOBILEVK_DOT (conv2d_int_dot): packed 4x8-bit dot products of raw words over every tap, the
//    padding read as a word of zero points; as in the pointwise shader, sum (x - xz)(w - wz) =
//    sum x*w - wz * sum x + (bias - xz * sum w + K*xz*wz, the host's Channel.foldedBias);
//  * plain: the products (x - xz) * (w - wz) (at most 255 * 255) summed in float, exactly, in
//    chunks of at most 256 lanes (under 2^24), each then added in int32; padding taps skipped.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"
#ifdef MOBILEVK_DOT
#include "dot4x8.glsl"
#endif

layout(constant_id = 3) const int OUT_X = 4;
layout(constant_id = 4) const bool SIGNED = false;

// Texels are uvec4 bytes in the plain shader, whole words (R32_UINT) in the MOBILEVK_DOT one.
READONLY_WORDS(0, inp);      // [N][Cin4][H][W], 4 channels per word
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
READONLY_WORDS(2, weights);  // [Cout4 * 4][kH][kW][Cin4], 4 input channels per word
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, inC4, outH, outW, outC4, outC;
  int kH, kW, strideY, strideX, padTop, padLeft, dilationY, dilationX;
  int inZero, outZero, actMin, actMax, isSigned;
} p;

void main() {
  const int ox0 = int(gl_GlobalInvocationID.x) * OUT_X, y = int(gl_GlobalInvocationID.y);
  const int z = int(gl_GlobalInvocationID.z);  // n * outC4 + o4
  if (ox0 >= p.outW || y >= p.outH || z >= p.batch * p.outC4) return;
  const int n = z / p.outC4, o4 = z - n * p.outC4, o = o4 * 4;
  const ivec4 wz = ivec4(ch[o].weightZero, ch[o + 1].weightZero, ch[o + 2].weightZero, ch[o + 3].weightZero);
  const int y0 = y * p.strideY - p.padTop;
  const int taps = p.kH * p.kW * p.inC4;  // weights per output channel
  ivec4 acc[OUT_X];
#ifdef MOBILEVK_DOT
  const uint zeroWord = uint(p.inZero & 0xFF) * 0x01010101u;
  int xsum[OUT_X];
  for (int k = 0; k < OUT_X; ++k) {
    acc[k] = ivec4(ch[o].foldedBias, ch[o + 1].foldedBias, ch[o + 2].foldedBias, ch[o + 3].foldedBias);
    xsum[k] = 0;
  }
  for (int ky = 0; ky < p.kH; ++ky) {
    const int iy = y0 + ky * p.dilationY;
    const bool rowInside = iy >= 0 && iy < p.inH;
    for (int kx = 0; kx < p.kW; ++kx)
      for (int i4 = 0; i4 < p.inC4; ++i4) {
        const int t = (ky * p.kW + kx) * p.inC4 + i4;
        const uvec4 w = uvec4(FETCHU(weights, (o + 0) * taps + t).x, FETCHU(weights, (o + 1) * taps + t).x,
                              FETCHU(weights, (o + 2) * taps + t).x, FETCHU(weights, (o + 3) * taps + t).x);
        const int row = ((n * p.inC4 + i4) * p.inH + iy) * p.inW;
        for (int k = 0; k < OUT_X; ++k) {
          const int ix = (ox0 + k) * p.strideX - p.padLeft + kx * p.dilationX;
          const uint x = rowInside && ix >= 0 && ix < p.inW ? FETCHU(inp, row + ix).x : zeroWord;
          xsum[k] += dot4x8(x, 0x01010101u, SIGNED);
          acc[k] += ivec4(dot4x8(x, w.x, SIGNED), dot4x8(x, w.y, SIGNED), dot4x8(x, w.z, SIGNED), dot4x8(x, w.w, SIGNED));
        }
      }
  }
  for (int k = 0; k < OUT_X; ++k) acc[k] -= wz * xsum[k];
#else
  vec4 chunk[OUT_X];
  for (int k = 0; k < OUT_X; ++k) {
    acc[k] = ivec4(ch[o].bias, ch[o + 1].bias, ch[o + 2].bias, ch[o + 3].bias);
    chunk[k] = vec4(0.0);
  }
  int lanes = 0;
  for (int ky = 0; ky < p.kH; ++ky) {
    const int iy = y0 + ky * p.dilationY;
    if (iy < 0 || iy >= p.inH) continue;  // padding rows hold the zero point: nothing to add
    for (int kx = 0; kx < p.kW; ++kx)
      for (int i4 = 0; i4 < p.inC4; ++i4) {
        const int t = (ky * p.kW + kx) * p.inC4 + i4;
        const vec4 w0 = vec4(values(FETCHU(weights, (o + 0) * taps + t), SIGNED) - wz.x);
        const vec4 w1 = vec4(values(FETCHU(weights, (o + 1) * taps + t), SIGNED) - wz.y);
        const vec4 w2 = vec4(values(FETCHU(weights, (o + 2) * taps + t), SIGNED) - wz.z);
        const vec4 w3 = vec4(values(FETCHU(weights, (o + 3) * taps + t), SIGNED) - wz.w);
        const int row = ((n * p.inC4 + i4) * p.inH + iy) * p.inW;
        for (int k = 0; k < OUT_X; ++k) {
          const int ix = (ox0 + k) * p.strideX - p.padLeft + kx * p.dilationX;
          if (ix < 0 || ix >= p.inW) continue;
          const vec4 v = vec4(values(FETCHU(inp, row + ix), SIGNED) - p.inZero);
          chunk[k] += vec4(dot(v, w0), dot(v, w1), dot(v, w2), dot(v, w3));
        }
        lanes += 4;
        if (lanes == 256) {
          for (int k = 0; k < OUT_X; ++k) {
            acc[k] += ivec4(chunk[k]);
            chunk[k] = vec4(0.0);
          }
          lanes = 0;
        }
      }
  }
  for (int k = 0; k < OUT_X; ++k) acc[k] += ivec4(chunk[k]);
#endif
  const vec4 scale = vec4(ch[o].scale, ch[o + 1].scale, ch[o + 2].scale, ch[o + 3].scale);
  for (int k = 0; k < OUT_X; ++k) {
    if (ox0 + k >= p.outW) break;
    const ivec4 q = requantize(acc[k], scale, p.outZero, p.actMin, p.actMax);
    outp[(z * p.outH + y) * p.outW + ox0 + k] = packBytes(padLanes(q, p.outC - o, p.outZero));
  }
}
