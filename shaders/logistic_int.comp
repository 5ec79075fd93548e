#version 450
// Integer LOGISTIC: each stored byte through the 256-entry table the host built as XNNPACK does
// (graph/quantization.h, logisticTable); padding lanes hold the output zero point.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(std430, binding = 2) readonly buffer Table { int table[256]; };

layout(push_constant) uniform Params {
  int planes, pixels, c4, c, zeroPoint;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  const uvec4 bytes = FETCHU(inp, i);
  const ivec4 q = ivec4(table[bytes.x], table[bytes.y], table[bytes.z], table[bytes.w]);
  outp[i] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.zeroPoint));
}
