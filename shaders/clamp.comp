#version 450
// A standalone activation (a Clamp node the fold pass could not merge into its producer): its clamp
// on every vec4; lanes past the channel count stay zero.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int planes, pixels, c4, c;
  float lo, hi;
} p;

void main() {
  // x: the pixel, y: the (image, channel group) plane.
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  const int validLanes = p.c - (plane % p.c4) * 4;
  const vec4 v = clamp(FETCH4(inp, i), vec4(p.lo), vec4(p.hi));
  outp[i] = STORE_VEC4(mix(vec4(0.0), v, lessThan(ivec4(0, 1, 2, 3), ivec4(validLanes))));
}
