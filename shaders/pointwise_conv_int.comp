#version 450
// Integer 1x1 convolution (and fully connected: the same on a 1x1 map) of a quantized file.
// acc = bias + sum over input lanes of (x - xz) * (w - wz), exact in int32, then requantized per
// output channel. Expanded, sum (x - xz)(w - wz) = sum x*w - wz * sum x - xz * sum w + K*xz*wz over
// the K = 4*inC4 lanes (padding lanes hold xz and wz, so they add nothing either way): the host folds
// the terms without x into Channel.foldedBias, and the loop is raw byte products plus one running sum
// of x per pixel (int32 arithmetic wraps, and the exact result fits, so the order does not matter).
// Register block: 4 pixels x 8 output channels per invocation.
// Two inner products of the same integers (NetworkOptions::DotProduct):
//  * MOBILEVK_DOT (pointwise_conv_int_dot): packed 4x8-bit dot products, a word of four input
//    channels of a pixel against a word of the same four channels of one output channel's weights;
//  * plain: a weight texel holds four output channels of one input channel, so each is one vec4
//    multiply-add. The byte products are summed in float, which is exact here and much faster than
//    int32 multiplies on CPU drivers: a product is at most 255 * 255 < 2^16, and a chunk of 256 lanes
//    sums to less than 2^24, so every partial sum is an integer float represents exactly; each chunk
//    then goes to int32.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"
#ifdef MOBILEVK_DOT
#include "dot4x8.glsl"
#endif

layout(constant_id = 3) const int PX = 4;   // pixels per invocation
layout(constant_id = 4) const int OCB = 2;  // output channel groups of 4 per invocation
layout(constant_id = 5) const bool SIGNED = false;

layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };
#ifdef MOBILEVK_DOT
READONLY_WORDS(0, inp);      // R32_UINT: [N][Cin4][pixels], 4 channels per word
READONLY_WORDS(2, weights);  // R32_UINT: [Cout4 * 4][Cin4], 4 input channels per word
#else
READONLY_WORDS(0, inp);      // [N][Cin4][pixels] packed bytes
READONLY_WORDS(2, weights);  // [Cout4][Cin4 * 4]: 4 output channels per texel
#endif

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  int inZero, outZero, actMin, actMax, isSigned;
  // MOBILEVK_RESIDUAL: the ADD's parameters (graph/quantization.h, AddParams).
  int aMultiplier, bMultiplier, addBias, addShift, addZero, addMin, addMax;
} p;

#ifdef MOBILEVK_RESIDUAL
// The _residual builds: the conv's requantized integers (on the grid of its own output, which no
// longer exists in memory) and the skip tensor's go through the XNNPACK ADD of add_int.comp onto
// the ADD's output grid: bit for bit the two dispatches' result.
READONLY_WORDS(4, skip);
ivec4 epilogue(ivec4 q, int at) {
#ifdef MOBILEVK_DOT
  const uvec4 bytes = (uvec4(FETCHU(skip, at).x) >> uvec4(0u, 8u, 16u, 24u)) & 0xFFu;  // R32_UINT texels: whole words
#else
  const uvec4 bytes = FETCHU(skip, at);
#endif
  const ivec4 acc = p.addBias + q * p.aMultiplier + values(bytes, SIGNED) * p.bMultiplier;
  return clamp((acc >> p.addShift) + p.addZero, ivec4(p.addMin), ivec4(p.addMax));
}
#else
ivec4 epilogue(ivec4 q, int at) { return q; }
#endif

void main() {
  const int first = int(gl_GlobalInvocationID.x) * PX;
  const int g0 = int(gl_GlobalInvocationID.y) * OCB;
  const int total = p.batch * p.pixels;
  if (first >= total || g0 >= p.outC4) return;
  int base[PX];  // element index of input channel group 0 for each pixel (-1: past the end)
  for (int i = 0; i < PX; ++i) {
    const int index = first + i;
    const int n = index / p.pixels;
    base[i] = index < total ? n * p.inC4 * p.pixels + (index - n * p.pixels) : -1;
  }
  ivec4 acc[PX][OCB];
  int xsum[PX];
  for (int i = 0; i < PX; ++i) {
    xsum[i] = 0;
    for (int g = 0; g < OCB; ++g) acc[i][g] = ivec4(0);
  }
  const int rows = min(OCB, p.outC4 - g0) * 4;
#ifdef MOBILEVK_DOT
  for (int i4 = 0; i4 < p.inC4; ++i4) {
    uint x[PX];
    for (int i = 0; i < PX; ++i) {
      x[i] = base[i] >= 0 ? FETCHU(inp, base[i] + i4 * p.pixels).x : 0u;
      xsum[i] += dot4x8(x[i], 0x01010101u, SIGNED);
    }
    for (int g = 0; g < OCB; ++g) {
      if (g * 4 >= rows) break;
      const int row = (g0 + g) * 4 * p.inC4 + i4;  // output channel 4(g0+g), input channels 4*i4..
      const uvec4 w = uvec4(FETCHU(weights, row).x, FETCHU(weights, row + p.inC4).x,
                            FETCHU(weights, row + 2 * p.inC4).x, FETCHU(weights, row + 3 * p.inC4).x);
      for (int i = 0; i < PX; ++i)
        acc[i][g] += ivec4(dot4x8(x[i], w.x, SIGNED), dot4x8(x[i], w.y, SIGNED), dot4x8(x[i], w.z, SIGNED),
                           dot4x8(x[i], w.w, SIGNED));
    }
  }
#else
  vec4 chunk[PX][OCB];
  for (int i = 0; i < PX; ++i)
    for (int g = 0; g < OCB; ++g) chunk[i][g] = vec4(0.0);
  for (int start = 0; start < p.inC4; start += 64) {  // 64 groups = 256 lanes per exact float chunk
    const int end = min(p.inC4, start + 64);
    for (int i4 = start; i4 < end; ++i4) {
      vec4 x[PX];
      for (int i = 0; i < PX; ++i) {
        const ivec4 v = base[i] >= 0 ? values(FETCHU(inp, base[i] + i4 * p.pixels), SIGNED) : ivec4(0);
        xsum[i] += v.x + v.y + v.z + v.w;
        x[i] = vec4(v);
      }
      for (int g = 0; g < OCB; ++g) {
        if (g * 4 >= rows) break;
        const int row = ((g0 + g) * p.inC4 + i4) * 4;  // texels of input channels 4*i4 .. 4*i4+3
        const vec4 w0 = vec4(values(FETCHU(weights, row + 0), SIGNED));
        const vec4 w1 = vec4(values(FETCHU(weights, row + 1), SIGNED));
        const vec4 w2 = vec4(values(FETCHU(weights, row + 2), SIGNED));
        const vec4 w3 = vec4(values(FETCHU(weights, row + 3), SIGNED));
        for (int i = 0; i < PX; ++i) chunk[i][g] += w0 * x[i].x + w1 * x[i].y + w2 * x[i].z + w3 * x[i].w;
      }
    }
    for (int i = 0; i < PX; ++i)
      for (int g = 0; g < OCB; ++g) {
        acc[i][g] += ivec4(chunk[i][g]);
        chunk[i][g] = vec4(0.0);
      }
  }
#endif
  for (int g = 0; g < OCB; ++g) {
    if (g * 4 >= rows) break;
    const int o = (g0 + g) * 4;
    const ivec4 folded = ivec4(ch[o].foldedBias, ch[o + 1].foldedBias, ch[o + 2].foldedBias, ch[o + 3].foldedBias);
    const ivec4 wz = ivec4(ch[o].weightZero, ch[o + 1].weightZero, ch[o + 2].weightZero, ch[o + 3].weightZero);
    const vec4 scale = vec4(ch[o].scale, ch[o + 1].scale, ch[o + 2].scale, ch[o + 3].scale);
    for (int i = 0; i < PX; ++i) {
      if (base[i] < 0) break;
      const int index = first + i, n = index / p.pixels;
      const int at = (n * p.outC4 + g0 + g) * p.pixels + (index - n * p.pixels);
      const ivec4 q = epilogue(requantize(folded + acc[i][g] - wz * xsum[i], scale, p.outZero, p.actMin, p.actMax), at);
#ifdef MOBILEVK_RESIDUAL
      outp[at] = packBytes(padLanes(q, p.outC - o, p.addZero));
#else
      outp[at] = packBytes(padLanes(q, p.outC - o, p.outZero));
#endif
    }
  }
}
