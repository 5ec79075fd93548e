#version 450
// Global average pooling: [N][C4][H][W] -> [N][C4][1][1]. One invocation per (n, channel group).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4;
} p;

void main() {
  const int cg = int(gl_GlobalInvocationID.x);
  const int n = int(gl_GlobalInvocationID.y);
  if (cg >= p.c4 || n >= p.batch) return;
  const int base = (n * p.c4 + cg) * p.pixels;
  // Four partial sums keep the float rounding error of long (112x112) planes low.
  vec4 s0 = vec4(0.0), s1 = vec4(0.0), s2 = vec4(0.0), s3 = vec4(0.0);
  int i = 0;
  for (; i + 3 < p.pixels; i += 4) {
    s0 += FETCH4(inp, base + i);
    s1 += FETCH4(inp, base + i + 1);
    s2 += FETCH4(inp, base + i + 2);
    s3 += FETCH4(inp, base + i + 3);
  }
  for (; i < p.pixels; ++i) s0 += FETCH4(inp, base + i);
  outp[n * p.c4 + cg] = STORE_VEC4(((s0 + s1) + (s2 + s3)) / float(p.pixels));
}
