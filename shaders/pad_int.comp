#version 450
// Integer PAD (pad.comp on 8-bit tensors): the pads hold the zero point (in every lane: padding
// lanes hold it too).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int inH, inW, outH, outW, top, left, zeroPoint;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (pixel >= p.outH * p.outW) return;
  const int y = pixel / p.outW - p.top, x = pixel % p.outW - p.left;
  const bool inside = y >= 0 && y < p.inH && x >= 0 && x < p.inW;
  const ivec4 q = inside ? ivec4(FETCHU(inp, (plane * p.inH + y) * p.inW + x)) : ivec4(p.zeroPoint);
  outp[plane * p.outH * p.outW + pixel] = packBytes(q);
}
