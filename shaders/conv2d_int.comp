#version 450
// Integer KxK convolution with stride and padding (the stem): positions in the padding hold the
// input zero point and contribute nothing. One invocation per output pixel and group of 4 outputs.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

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
  const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
  const int z = int(gl_GlobalInvocationID.z);  // n * outC4 + o4
  if (x >= p.outW || y >= p.outH || z >= p.batch * p.outC4) return;
  const int n = z / p.outC4, o4 = z - n * p.outC4, o = o4 * 4;
  const bool s = p.isSigned != 0;
  ivec4 acc = ivec4(ch[o].bias, ch[o + 1].bias, ch[o + 2].bias, ch[o + 3].bias);
  const ivec4 wz = ivec4(ch[o].weightZero, ch[o + 1].weightZero, ch[o + 2].weightZero, ch[o + 3].weightZero);
  const int y0 = y * p.strideY - p.padTop, x0 = x * p.strideX - p.padLeft;
  const int taps = p.kH * p.kW * p.inC4;  // weights per output channel
  for (int ky = max(0, -y0); ky < min(p.kH, p.inH - y0); ++ky)
    for (int kx = max(0, -x0); kx < min(p.kW, p.inW - x0); ++kx)
      for (int i4 = 0; i4 < p.inC4; ++i4) {
        const ivec4 v = values(texelFetch(inp, ((n * p.inC4 + i4) * p.inH + y0 + ky) * p.inW + x0 + kx), s) - p.inZero;
        const int t = (ky * p.kW + kx) * p.inC4 + i4;
        acc.x += dot4(v, values(texelFetch(weights, (o + 0) * taps + t), s) - wz.x);
        acc.y += dot4(v, values(texelFetch(weights, (o + 1) * taps + t), s) - wz.y);
        acc.z += dot4(v, values(texelFetch(weights, (o + 2) * taps + t), s) - wz.z);
        acc.w += dot4(v, values(texelFetch(weights, (o + 3) * taps + t), s) - wz.w);
      }
  ivec4 q;
  for (int j = 0; j < 4; ++j) q[j] = requantize(acc[j], ch[o + j].scale, p.outZero, p.actMin, p.actMax);
  outp[(z * p.outH + y) * p.outW + x] = packBytes(padLanes(q, p.outC - o, p.outZero));
}
