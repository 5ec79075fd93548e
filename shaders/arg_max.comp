#version 450
// ARG_MAX over channels: per pixel, the first channel holding the largest value (strictly greater
// replaces, as TFLite compares), written as a float in lane 0 of the one-channel output.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), n = int(gl_GlobalInvocationID.y);
  if (pixel >= p.pixels || n >= p.batch) return;
  float best = FETCH4(inp, n * p.c4 * p.pixels + pixel).x;
  int index = 0;
  for (int g = 0; g < p.c4; ++g) {
    const vec4 v = FETCH4(inp, (n * p.c4 + g) * p.pixels + pixel);
    for (int lane = 0; lane < 4; ++lane) {
      const int c = g * 4 + lane;
      if (c < p.c && v[lane] > best) {
        best = v[lane];
        index = c;
      }
    }
  }
  outp[n * p.pixels + pixel] = STORE_VEC4(vec4(float(index), 0.0, 0.0, 0.0));
}
