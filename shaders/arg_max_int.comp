#version 450
// Integer ARG_MAX (arg_max.comp on 8-bit tensors): the stored values compared (their order is the
// reals' on one grid), the index written as the byte of lane 0 (the index grid: scale 1, zero
// point 0, so the other lanes' zero point is 0 too).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c, isSigned;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), n = int(gl_GlobalInvocationID.y);
  if (pixel >= p.pixels || n >= p.batch) return;
  int best = values(FETCHU(inp, n * p.c4 * p.pixels + pixel), p.isSigned != 0).x;
  int index = 0;
  for (int g = 0; g < p.c4; ++g) {
    const ivec4 v = values(FETCHU(inp, (n * p.c4 + g) * p.pixels + pixel), p.isSigned != 0);
    for (int lane = 0; lane < 4; ++lane) {
      const int c = g * 4 + lane;
      if (c < p.c && v[lane] > best) {
        best = v[lane];
        index = c;
      }
    }
  }
  outp[n * p.pixels + pixel] = uint(index);
}
