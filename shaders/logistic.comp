#version 450
// LOGISTIC: 1 / (1 + e^-x) on every vec4; lanes past the channel count stay zero.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int planes, pixels, c4, c;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  const vec4 v = 1.0 / (1.0 + exp(-FETCH4(inp, i)));
  outp[i] = STORE_VEC4(maskLanes(v, p.c - (plane % p.c4) * 4));
}
