#version 450
// RESIZE_BILINEAR: each output vec4 blends its four input neighbours, along x then y, with the
// sampling the host computed (graph/params.h, resizeTaps) read from a table: per output row then
// per output column, (first index, second index, Q11 weight, float weight bits).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
layout(std430, binding = 2) readonly buffer Taps { ivec4 taps[]; };

layout(push_constant) uniform Params {
  int inH, inW, outH, outW;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (pixel >= p.outH * p.outW) return;
  const ivec4 ty = taps[pixel / p.outW], tx = taps[p.outH + pixel % p.outW];
  const int base = plane * p.inH * p.inW;
  const vec4 tl = FETCH4(inp, base + ty.x * p.inW + tx.x), tr = FETCH4(inp, base + ty.x * p.inW + tx.y);
  const vec4 bl = FETCH4(inp, base + ty.y * p.inW + tx.x), br = FETCH4(inp, base + ty.y * p.inW + tx.y);
  const float ax = intBitsToFloat(tx.w), ay = intBitsToFloat(ty.w);
  const vec4 top = tl + (tr - tl) * ax, bottom = bl + (br - bl) * ax;
  outp[plane * p.outH * p.outW + pixel] = STORE_VEC4(top + (bottom - top) * ay);
}
