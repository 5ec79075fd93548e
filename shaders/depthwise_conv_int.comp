#version 450
// Integer depthwise convolution (one filter per channel, multiplier 1) with stride and padding.
// One invocation per output pixel and group of 4 channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

layout(binding = 0) uniform usamplerBuffer inp;      // [N][C4][H][W] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(binding = 2) uniform usamplerBuffer weights;  // [C4][kH][kW]: 4 channels per texel
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, c4, outH, outW, c;
  int kH, kW, strideY, strideX, padTop, padLeft;
  int inZero, outZero, actMin, actMax, isSigned;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
  const int plane = int(gl_GlobalInvocationID.z);  // n * c4 + channel group
  if (x >= p.outW || y >= p.outH || plane >= p.batch * p.c4) return;
  const int g = plane % p.c4, c = g * 4;
  const bool s = p.isSigned != 0;
  ivec4 acc = ivec4(ch[c].bias, ch[c + 1].bias, ch[c + 2].bias, ch[c + 3].bias);
  const ivec4 wz = ivec4(ch[c].weightZero, ch[c + 1].weightZero, ch[c + 2].weightZero, ch[c + 3].weightZero);
  const int y0 = y * p.strideY - p.padTop, x0 = x * p.strideX - p.padLeft;
  for (int ky = max(0, -y0); ky < min(p.kH, p.inH - y0); ++ky)
    for (int kx = max(0, -x0); kx < min(p.kW, p.inW - x0); ++kx) {
      const ivec4 v = values(texelFetch(inp, (plane * p.inH + y0 + ky) * p.inW + x0 + kx), s) - p.inZero;
      acc += v * (values(texelFetch(weights, (g * p.kH + ky) * p.kW + kx), s) - wz);
    }
  ivec4 q;
  for (int j = 0; j < 4; ++j) q[j] = requantize(acc[j], ch[c + j].scale, p.outZero, p.actMin, p.actMax);
  outp[(plane * p.outH + y) * p.outW + x] = packBytes(padLanes(q, p.c - c, p.outZero));
}
