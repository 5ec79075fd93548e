#version 450
// Pointwise (1x1, stride 1) convolution = a GEMM over pixels x channels, fused bias and clamp.
// One invocation computes a register block of PX consecutive pixels x OCB groups of 4 output
// channels: per step of 4 input channels it fetches PX input vec4s and 4*OCB weight vec4s and does
// 16*PX*OCB multiply-adds. The block shape is compiled in (specialization constants) and chosen per
// device on the host.
// Weights: [outC4][inC4][4 input lanes] vec4s, each vec4 spanning four output channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(constant_id = 3) const int PX = 4;
layout(constant_id = 4) const int OCB = 2;

layout(binding = 0) uniform samplerBuffer inp;  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
layout(binding = 2) uniform samplerBuffer wts;
layout(binding = 3) uniform samplerBuffer bias;

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
} p;

void main() {
  const int px = int(gl_GlobalInvocationID.x) * PX;
  const int oc4 = int(gl_GlobalInvocationID.y) * OCB;
  const int n = int(gl_GlobalInvocationID.z);
  if (px >= p.pixels || oc4 >= p.outC4 || n >= p.batch) return;
  // Pixels past the end re-read the last one (their results are never written).
  int pOff[PX];
  for (int i = 0; i < PX; ++i) pOff[i] = min(px + i, p.pixels - 1) - px;
  int wRow[OCB];
  vec4 acc[PX * OCB];
  for (int j = 0; j < OCB; ++j) {
    const int g = min(oc4 + j, p.outC4 - 1);
    wRow[j] = g * p.inC4 * 4;
    const vec4 b = texelFetch(bias, g);
    for (int i = 0; i < PX; ++i) acc[j * PX + i] = b;
  }
  int src = n * p.inC4 * p.pixels + px;
  for (int ic4 = 0; ic4 < p.inC4; ++ic4, src += p.pixels) {
    vec4 x[PX];
    for (int i = 0; i < PX; ++i) x[i] = texelFetch(inp, src + pOff[i]);
    for (int j = 0; j < OCB; ++j) {
      const int w = wRow[j] + ic4 * 4;
      const vec4 w0 = texelFetch(wts, w), w1 = texelFetch(wts, w + 1), w2 = texelFetch(wts, w + 2), w3 = texelFetch(wts, w + 3);
      for (int i = 0; i < PX; ++i) acc[j * PX + i] += mulBlock(w0, w1, w2, w3, x[i]);
    }
  }
  for (int j = 0; j < OCB; ++j) {
    if (oc4 + j >= p.outC4) break;
    const int valid = p.outC - (oc4 + j) * 4;
    const int dst = (n * p.outC4 + oc4 + j) * p.pixels + px;
    for (int i = 0; i < PX; ++i)
      if (px + i < p.pixels) outp[dst + i] = STORE_VEC4(maskLanes(clamp(acc[j * PX + i], p.clampMin, p.clampMax), valid));
  }
}
