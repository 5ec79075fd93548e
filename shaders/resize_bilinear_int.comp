#version 450
// Integer RESIZE_BILINEAR as XNNPACK's 8-bit ibilinear (cpu/resize_bilinear.cpp): Q11 weights from
// the host's table (see resize_bilinear.comp), horizontal blends in Q11, vertical in Q22, plus 2^21,
// arithmetic shift right by 22. One grid in and out; padding lanes blend zero points into the zero
// point.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(std430, binding = 2) readonly buffer Taps { ivec4 taps[]; };

layout(push_constant) uniform Params {
  int inH, inW, outH, outW, isSigned;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (pixel >= p.outH * p.outW) return;
  const ivec4 ty = taps[pixel / p.outW], tx = taps[p.outH + pixel % p.outW];
  const int base = plane * p.inH * p.inW;
  const bool s = p.isSigned != 0;
  const ivec4 tl = values(FETCHU(inp, base + ty.x * p.inW + tx.x), s), tr = values(FETCHU(inp, base + ty.x * p.inW + tx.y), s);
  const ivec4 bl = values(FETCHU(inp, base + ty.y * p.inW + tx.x), s), br = values(FETCHU(inp, base + ty.y * p.inW + tx.y), s);
  const ivec4 top = tl * 2048 + (tr - tl) * tx.z, bottom = bl * 2048 + (br - bl) * tx.z;
  const ivec4 acc = top * 2048 + (bottom - top) * ty.z;
  outp[plane * p.outH * p.outW + pixel] = packBytes((acc + (1 << 21)) >> 22);
}
