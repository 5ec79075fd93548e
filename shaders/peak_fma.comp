#version 450
// Peak fp32 FMA rate: ten independent scalar FMA chains per invocation, enough to hide FMA latency
// on SIMD CPUs (lavapipe) and GPUs alike, and few enough to stay in registers.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Output { float outp[]; };
layout(push_constant) uniform Params { int iterations; } p;

void main() {
  const float seed = float(gl_GlobalInvocationID.x) * 1e-7;
  float a0 = seed, a1 = seed + 0.1, a2 = seed + 0.2, a3 = seed + 0.3, a4 = seed + 0.4;
  float a5 = seed + 0.5, a6 = seed + 0.6, a7 = seed + 0.7, a8 = seed + 0.8, a9 = seed + 0.9;
  const float m = 0.9999, c = 1e-4;
  for (int i = 0; i < p.iterations; ++i) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c); a4 = fma(a4, m, c);
    a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c); a8 = fma(a8, m, c); a9 = fma(a9, m, c);
  }
  outp[gl_GlobalInvocationID.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
}
