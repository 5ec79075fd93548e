#version 450
// Integer 1x1 convolution (and fully connected: the same on a 1x1 map) of a quantized file:
// acc = bias + sum over input channels of (x - input zero point) * (w - weight zero point), exact in
// int32, then requantized per output channel. One invocation per pixel and group of 4 outputs.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

layout(binding = 0) uniform usamplerBuffer inp;      // [N][Cin4][pixels] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(binding = 2) uniform usamplerBuffer weights;  // [Cout4 * 4][Cin4]: 4 input channels per texel
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  int inZero, outZero, actMin, actMax, isSigned;
} p;

void main() {
  const int index = int(gl_GlobalInvocationID.x);
  const int o4 = int(gl_GlobalInvocationID.y);
  if (index >= p.batch * p.pixels || o4 >= p.outC4) return;
  const int n = index / p.pixels, pixel = index - n * p.pixels;
  const bool s = p.isSigned != 0;
  const int o = o4 * 4;
  ivec4 acc = ivec4(ch[o].bias, ch[o + 1].bias, ch[o + 2].bias, ch[o + 3].bias);
  const ivec4 wz = ivec4(ch[o].weightZero, ch[o + 1].weightZero, ch[o + 2].weightZero, ch[o + 3].weightZero);
  for (int i4 = 0; i4 < p.inC4; ++i4) {
    const ivec4 x = values(texelFetch(inp, (n * p.inC4 + i4) * p.pixels + pixel), s) - p.inZero;
    acc.x += dot4(x, values(texelFetch(weights, (o + 0) * p.inC4 + i4), s) - wz.x);
    acc.y += dot4(x, values(texelFetch(weights, (o + 1) * p.inC4 + i4), s) - wz.y);
    acc.z += dot4(x, values(texelFetch(weights, (o + 2) * p.inC4 + i4), s) - wz.z);
    acc.w += dot4(x, values(texelFetch(weights, (o + 3) * p.inC4 + i4), s) - wz.w);
  }
  ivec4 q;
  for (int j = 0; j < 4; ++j) q[j] = requantize(acc[j], ch[o + j].scale, p.outZero, p.actMin, p.actMax);
  outp[(n * p.outC4 + o4) * p.pixels + pixel] = packBytes(padLanes(q, p.outC - o, p.outZero));
}
