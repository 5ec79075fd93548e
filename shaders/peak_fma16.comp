#version 450
// Peak fp16 FMA rate: as peak_fma, on packed f16vec2 values (two FMAs per instruction where the
// hardware pairs them).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Output { float outp[]; };
layout(push_constant) uniform Params { int iterations; } p;

void main() {
  const float16_t seed = float16_t(float(gl_LocalInvocationID.x) * 1e-3);
  f16vec2 a0 = f16vec2(seed), a1 = a0 + f16vec2(0.1hf), a2 = a0 + f16vec2(0.2hf), a3 = a0 + f16vec2(0.3hf);
  f16vec2 a4 = a0 + f16vec2(0.4hf), a5 = a0 + f16vec2(0.5hf), a6 = a0 + f16vec2(0.6hf), a7 = a0 + f16vec2(0.7hf);
  f16vec2 a8 = a0 + f16vec2(0.8hf), a9 = a0 + f16vec2(0.9hf);
  const f16vec2 m = f16vec2(0.999hf), c = f16vec2(0.001hf);
  for (int i = 0; i < p.iterations; ++i) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c); a4 = fma(a4, m, c);
    a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c); a8 = fma(a8, m, c); a9 = fma(a9, m, c);
  }
  const f16vec2 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
  outp[gl_GlobalInvocationID.x] = float(s.x) + float(s.y);
}
