#version 450
// Integer CONCATENATION (concatenation.comp on 8-bit tensors): an input on the output's grid is
// copied; another is requantized as TFLite's kernel does (graph/quantization.h, concatRequantize):
// round(q * scale + bias) half away from zero, both operations rounded apart (precise), plus the
// output zero point, clamped. Padding lanes hold the output zero point.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, in0);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
READONLY_WORDS(2, in1);
READONLY_WORDS(3, in2);
READONLY_WORDS(4, in3);
READONLY_WORDS(5, in4);
READONLY_WORDS(6, in5);
READONLY_WORDS(7, in6);
READONLY_WORDS(8, in7);

layout(push_constant) uniform Params {
  int outH, outW, outC, axis;
  int ends[8];  // as in concatenation.comp
  float scale[8], bias[8];  // 124 bytes in all: within the 128 every device offers
  int copyMask, zeroPoint, isSigned;
} p;
#include "concat_source.glsl"

uvec4 fetchInput(int k, int i) {
  if (k == 0) return FETCHU(in0, i);
  if (k == 1) return FETCHU(in1, i);
  if (k == 2) return FETCHU(in2, i);
  if (k == 3) return FETCHU(in3, i);
  if (k == 4) return FETCHU(in4, i);
  if (k == 5) return FETCHU(in5, i);
  if (k == 6) return FETCHU(in6, i);
  return FETCHU(in7, i);
}

// std::round: half away from zero (v - trunc(v) is exact in float).
float roundHalfAway(float v) {
  const float t = trunc(v);
  return abs(v - t) >= 0.5 ? t + sign(v) : t;
}

// Input k's value on the output's grid: copied, or requantized as the header says.
int onOutputGrid(int k, int value, int lo, int hi) {
  if ((p.copyMask & (1 << k)) != 0) return value;
  precise float product = float(value) * p.scale[k];
  precise float sum = product + p.bias[k];
  return clamp(int(roundHalfAway(sum)) + p.zeroPoint, lo, hi);
}

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  const int outC4 = (p.outC + 3) / 4;
  if (pixel >= p.outH * p.outW) return;  // y spans the planes exactly
  const int n = plane / outC4, group = plane % outC4;
  const int y = pixel / p.outW, x = pixel % p.outW;
  const int lo = p.isSigned != 0 ? -128 : 0, hi = p.isSigned != 0 ? 127 : 255;
  const int valid = min(4, p.outC - group * 4);
  ivec4 q = ivec4(p.zeroPoint);
  const ConcatSource first = concatSource(n, y, x, group * 4);
  // Along H or W, and along C where the group lies inside one input at a multiple of four, the
  // whole word is one of the input's (SSD's and DeepLab's concatenations): one fetch, not four.
  if (first.lane == 0 && (p.axis != 3 || group * 4 + valid <= p.ends[first.source])) {
    const ivec4 v = values(fetchInput(first.source, first.index), p.isSigned != 0);
    for (int l = 0; l < valid; ++l) q[l] = onOutputGrid(first.source, v[l], lo, hi);
  } else {
    for (int l = 0; l < valid; ++l) {
      const ConcatSource at = concatSource(n, y, x, group * 4 + l);
      q[l] = onOutputGrid(at.source, values(fetchInput(at.source, at.index), p.isSigned != 0)[at.lane], lo, hi);
    }
  }
  outp[plane * p.outH * p.outW + pixel] = packBytes(q);
}
