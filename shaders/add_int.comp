#version 450
// Integer ADD as XNNPACK computes it (graph/quantization.h, AddParams): both inputs' stored values
// times their multipliers plus one bias that folds the zero points and the rounding half, one
// arithmetic shift, the output zero point, the activation range. One invocation per word (four
// channels); lanes past the channel count hold the output zero point.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, a);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
READONLY_WORDS(2, b);

layout(push_constant) uniform Params {
  int planes, pixels, c4, c;
  int aMultiplier, bMultiplier, bias, shift, outputZeroPoint, actMin, actMax, isSigned;
} p;

void main() {
  // x: the pixel, y: the (image, channel group) plane.
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  const bool s = p.isSigned != 0;
  const ivec4 acc = p.bias + values(FETCHU(a, i), s) * p.aMultiplier + values(FETCHU(b, i), s) * p.bMultiplier;
  const ivec4 q = clamp((acc >> p.shift) + p.outputZeroPoint, ivec4(p.actMin), ivec4(p.actMax));
  outp[i] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.outputZeroPoint));
}
