#version 450
// QUANTIZE in float execution: between two 8-bit grids no real value changes, so a copy.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int planes, pixels;
} p;

void main() {
  // x: the pixel, y: the (image, channel group) plane.
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  outp[i] = STORE_VEC4(FETCH4(inp, i));
}
