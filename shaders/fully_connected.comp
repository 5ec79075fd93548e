#version 450
// Fully connected: [N][inC4] -> [N][outC4] (1x1 maps), fused bias and clamp.
// One invocation computes four outputs of one batch item.
// Weights: [outC4][inC4][4 input lanes] vec4s, as for the pointwise convolution.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, wts);
READONLY_VEC4S(3, bias);

layout(push_constant) uniform Params {
  int batch, inC4, outC4, outC;
  float clampMin, clampMax;
} p;

void main() {
  const int oc4 = int(gl_GlobalInvocationID.x);
  const int n = int(gl_GlobalInvocationID.y);
  if (oc4 >= p.outC4 || n >= p.batch) return;
  vec4 acc = FETCH4(bias, oc4);
  int src = n * p.inC4;
  int w = oc4 * p.inC4 * 4;
  for (int ic4 = 0; ic4 < p.inC4; ++ic4, ++src, w += 4)
    acc += mulBlock(FETCH4(wts, w), FETCH4(wts, w + 1), FETCH4(wts, w + 2), FETCH4(wts, w + 3), FETCH4(inp, src));
  outp[n * p.outC4 + oc4] = STORE_VEC4(maskLanes(clamp(acc, p.clampMin, p.clampMax), p.outC - oc4 * 4));
}
