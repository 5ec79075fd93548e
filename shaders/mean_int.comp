#version 450
// Integer MEAN over height and width as XNNPACK computes it (graph/quantization.h, meanScale): the
// plane's integer sum less count * input zero point, XNNPACK's fp32 requantization onto the
// output's own grid. One invocation per (image, channel group).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);  // [N][C4][pixels] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c, inputZeroPoint, outputZeroPoint, actMin, actMax, isSigned;
  float scale;
} p;

void main() {
  const int g = int(gl_GlobalInvocationID.x), n = int(gl_GlobalInvocationID.y);
  if (g >= p.c4 || n >= p.batch) return;
  const bool s = p.isSigned != 0;
  const int base = (n * p.c4 + g) * p.pixels;
  ivec4 acc = ivec4(-p.pixels * p.inputZeroPoint);
  for (int i = 0; i < p.pixels; ++i) acc += values(FETCHU(inp, base + i), s);
  const ivec4 q = requantize(acc, vec4(p.scale), p.outputZeroPoint, p.actMin, p.actMax);
  outp[n * p.c4 + g] = packBytes(padLanes(q, p.c - g * 4, p.outputZeroPoint));
}
