#version 450
// Integer KxK convolution with stride and padding (the stem): positions in the padding hold the
// input zero point and contribute nothing. OUT_X horizontally adjacent outputs of four channels per
// invocation share each weight fetch. The products (x - xz) * (w - wz) (at most 255 * 255) are
// summed in float, exactly, in chunks of at most 256 lanes (under 2^24), each then added in int32.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

layout(constant_id = 3) const int OUT_X = 4;
layout(constant_id = 4) const bool SIGNED = false;

layout(binding = 0) uniform usamplerBuffer inp;      // [N][Cin4][H][W] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(binding = 2) uniform usamplerBuffer weights;  // [Cout4 * 4][kH][kW][Cin4]
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, inC4, outH, outW, outC4, outC;
  int kH, kW, strideY, strideX, padTop, padLeft;
  int inZero, outZero, actMin, actMax, isSigned;
} p;

void main() {
  const int ox0 = int(gl_GlobalInvocationID.x) * OUT_X, y = int(gl_GlobalInvocationID.y);
  const int z = int(gl_GlobalInvocationID.z);  // n * outC4 + o4
  if (ox0 >= p.outW || y >= p.outH || z >= p.batch * p.outC4) return;
  const int n = z / p.outC4, o4 = z - n * p.outC4, o = o4 * 4;
  const ivec4 wz = ivec4(ch[o].weightZero, ch[o + 1].weightZero, ch[o + 2].weightZero, ch[o + 3].weightZero);
  ivec4 acc[OUT_X];
  vec4 chunk[OUT_X];
  for (int k = 0; k < OUT_X; ++k) {
    acc[k] = ivec4(ch[o].bias, ch[o + 1].bias, ch[o + 2].bias, ch[o + 3].bias);
    chunk[k] = vec4(0.0);
  }
  const int y0 = y * p.strideY - p.padTop;
  const int taps = p.kH * p.kW * p.inC4;  // weights per output channel
  int lanes = 0;
  for (int ky = max(0, -y0); ky < min(p.kH, p.inH - y0); ++ky)
    for (int kx = 0; kx < p.kW; ++kx)
      for (int i4 = 0; i4 < p.inC4; ++i4) {
        const int t = (ky * p.kW + kx) * p.inC4 + i4;
        const vec4 w0 = vec4(values(texelFetch(weights, (o + 0) * taps + t), SIGNED) - wz.x);
        const vec4 w1 = vec4(values(texelFetch(weights, (o + 1) * taps + t), SIGNED) - wz.y);
        const vec4 w2 = vec4(values(texelFetch(weights, (o + 2) * taps + t), SIGNED) - wz.z);
        const vec4 w3 = vec4(values(texelFetch(weights, (o + 3) * taps + t), SIGNED) - wz.w);
        const int row = ((n * p.inC4 + i4) * p.inH + y0 + ky) * p.inW;
        for (int k = 0; k < OUT_X; ++k) {
          const int ix = (ox0 + k) * p.strideX - p.padLeft + kx;
          if (ix < 0 || ix >= p.inW) continue;
          const vec4 v = vec4(values(texelFetch(inp, row + ix), SIGNED) - p.inZero);
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
  for (int k = 0; k < OUT_X; ++k) {
    if (ox0 + k >= p.outW) break;
    const ivec4 a = acc[k] + ivec4(chunk[k]);
    ivec4 q;
    for (int j = 0; j < 4; ++j) q[j] = requantize(a[j], ch[o + j].scale, p.outZero, p.actMin, p.actMax);
    outp[(z * p.outH + y) * p.outW + ox0 + k] = packBytes(padLanes(q, p.outC - o, p.outZero));
  }
}
