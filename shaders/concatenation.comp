#version 450
// CONCATENATION of up to eight inputs along H, W or C: each output element copies the element of
// the input whose slice along the axis holds it. One invocation per output vec4 (a vec4 may span
// two inputs when joining channels that are not a multiple of four, then each lane is fetched apart).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, in0);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, in1);
READONLY_VEC4S(3, in2);
READONLY_VEC4S(4, in3);
READONLY_VEC4S(5, in4);
READONLY_VEC4S(6, in5);
READONLY_VEC4S(7, in6);
READONLY_VEC4S(8, in7);

layout(push_constant) uniform Params {
  int outH, outW, outC, axis;
  int ends[8];  // each input's end along the axis (cumulative); past the last input, the total
} p;
#include "concat_source.glsl"

vec4 fetchInput(int k, int i) {
  if (k == 0) return FETCH4(in0, i);
  if (k == 1) return FETCH4(in1, i);
  if (k == 2) return FETCH4(in2, i);
  if (k == 3) return FETCH4(in3, i);
  if (k == 4) return FETCH4(in4, i);
  if (k == 5) return FETCH4(in5, i);
  if (k == 6) return FETCH4(in6, i);
  return FETCH4(in7, i);
}

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  const int outC4 = (p.outC + 3) / 4;
  if (pixel >= p.outH * p.outW) return;  // y spans the planes exactly
  const int n = plane / outC4, group = plane % outC4;
  const int y = pixel / p.outW, x = pixel % p.outW;
  const int valid = min(4, p.outC - group * 4);
  const ConcatSource first = concatSource(n, y, x, group * 4);
  vec4 v;
  // Along H or W, and along C where the group lies inside one input at a multiple of four, the
  // whole vec4 is one of the input's (SSD's and DeepLab's concatenations): one fetch, not four.
  if (first.lane == 0 && (p.axis != 3 || group * 4 + valid <= p.ends[first.source])) {
    v = maskLanes(fetchInput(first.source, first.index), valid);
  } else {
    v = vec4(0.0);
    for (int l = 0; l < valid; ++l) {
      const ConcatSource at = concatSource(n, y, x, group * 4 + l);
      v[l] = fetchInput(at.source, at.index)[at.lane];
    }
  }
  outp[plane * p.outH * p.outW + pixel] = STORE_VEC4(v);
}
