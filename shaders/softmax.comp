#version 450
// Softmax across channels, separately for every pixel of every batch item.
// One invocation per (n, pixel): max, then sum of exp(x - max), then normalize.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c;
} p;

void main() {
  const int px = int(gl_GlobalInvocationID.x);
  const int n = int(gl_GlobalInvocationID.y);
  if (px >= p.pixels || n >= p.batch) return;
  const int base = n * p.c4 * p.pixels + px;
  const float lowest = -3.402823466e38;
  float m = lowest;
  for (int g = 0; g < p.c4; ++g) {
    const vec4 v = mix(vec4(lowest), FETCH4(inp, base + g * p.pixels), lessThan(ivec4(0, 1, 2, 3), ivec4(p.c - g * 4)));
    m = max(m, max(max(v.x, v.y), max(v.z, v.w)));
  }
  float sum = 0.0;
  for (int g = 0; g < p.c4; ++g) {
    const vec4 e = maskLanes(exp(FETCH4(inp, base + g * p.pixels) - m), p.c - g * 4);
    sum += (e.x + e.y) + (e.z + e.w);
  }
  const float inv = 1.0 / sum;
  for (int g = 0; g < p.c4; ++g)
    outp[base + g * p.pixels] = STORE_VEC4(maskLanes(exp(FETCH4(inp, base + g * p.pixels) - m) * inv, p.c - g * 4));
}
