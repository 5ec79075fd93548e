#version 450
// Integer global average pooling, TFLite's own kernel: the integer mean of each channel's plane,
// rounded half away from zero, on the input's grid, then the activation range.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);  // [N][C4][pixels] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c, zeroPoint, actMin, actMax, isSigned;
} p;

void main() {
  const int g = int(gl_GlobalInvocationID.x), n = int(gl_GlobalInvocationID.y);
  if (g >= p.c4 || n >= p.batch) return;
  const bool s = p.isSigned != 0;
  const int base = (n * p.c4 + g) * p.pixels;
  ivec4 acc = ivec4(0);
  for (int i = 0; i < p.pixels; ++i) acc += values(FETCHU(inp, base + i), s);
  const int half_ = p.pixels / 2;
  // SPIR-V's signed division truncates toward zero, as C++'s does.
  const ivec4 mean = mix((acc - half_) / p.pixels, (acc + half_) / p.pixels, greaterThanEqual(acc, ivec4(0)));
  const ivec4 q = clamp(mean, ivec4(p.actMin), ivec4(p.actMax));
  outp[n * p.c4 + g] = packBytes(padLanes(q, p.c - g * 4, p.zeroPoint));
}
