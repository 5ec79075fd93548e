#version 450
// QUANTIZE between 8-bit grids as TFLite's builtin computes it (graph/quantization.h,
// requantizeParams): (q - input zero point) times a fixed-point multiplier, with gemmlowp's
// roundings (a rounding doubling high multiply, then a rounding right shift), plus the output zero
// point, clamped to the output type. One invocation per word (four channels).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int planes, pixels, c4, c;
  int multiplier, leftShift, rightShift, inputZeroPoint, outputZeroPoint, outputMin, outputMax, inputSigned;
  int convert, convertMultiplier, convertBias;  // XNNPACK's convert within one type (graph/quantization.h)
} p;

// gemmlowp's SaturatingRoundingDoublingHighMul for |a| < 2^31 / multiplier's headroom: the exact
// 64-bit product of |a| and the multiplier (imulExtended), nudged by 2^30 (2^30 - 1 for a negative
// product, whose division truncates toward zero), then its bits 31..62.
int roundingDoublingHighMul(int a, int m) {
  int hi, lo;
  imulExtended(abs(a), m, hi, lo);
  uint carry;
  const uint l = uaddCarry(uint(lo), a < 0 ? (1u << 30) - 1u : (1u << 30), carry);
  const int r = int((uint(hi + int(carry)) << 1) | (l >> 31));
  return a < 0 ? -r : r;
}

// Rounds half away from zero.
int roundingDivideByPOT(int x, int exponent) {
  const int mask = (1 << exponent) - 1;
  const int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
}

void main() {
  const int x = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  if (x >= p.pixels || plane >= p.planes) return;
  const int i = plane * p.pixels + x;
  if (p.convert != 0) {
    const ivec4 x = values(FETCHU(inp, i), p.inputSigned != 0);
    const ivec4 q = clamp((p.convertBias + x * p.convertMultiplier) >> 8, ivec4(p.outputMin), ivec4(p.outputMax));
    outp[i] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.outputZeroPoint));
    return;
  }
  const ivec4 v = values(FETCHU(inp, i), p.inputSigned != 0) - p.inputZeroPoint;
  ivec4 q;
  for (int k = 0; k < 4; ++k)
    q[k] = roundingDivideByPOT(roundingDoublingHighMul(v[k] * (1 << p.leftShift), p.multiplier), p.rightShift);
  q = clamp(q + p.outputZeroPoint, ivec4(p.outputMin), ivec4(p.outputMax));
  outp[i] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.outputZeroPoint));
}
