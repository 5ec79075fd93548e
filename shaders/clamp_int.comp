#version 450
// Integer standalone activation on one grid: the stored values clamped to the activation range.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int planes, pixels, c4, c, actMin, actMax, zeroPoint, isSigned;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  const ivec4 q = clamp(values(FETCHU(inp, i), p.isSigned != 0), ivec4(p.actMin), ivec4(p.actMax));
  outp[i] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.zeroPoint));
}
