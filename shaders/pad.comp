#version 450
// PAD (constant): each output vec4 is the input's at the shifted position, or zero in the pads.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int inH, inW, outH, outW, top, left;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);  // plane = n * C4 + group
  if (pixel >= p.outH * p.outW) return;
  const int y = pixel / p.outW - p.top, x = pixel % p.outW - p.left;
  const bool inside = y >= 0 && y < p.inH && x >= 0 && x < p.inW;
  outp[plane * p.outH * p.outW + pixel] = STORE_VEC4(inside ? FETCH4(inp, (plane * p.inH + y) * p.inW + x) : vec4(0.0));
}
