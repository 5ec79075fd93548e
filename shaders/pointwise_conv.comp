#version 450
// Pointwise (1x1, stride 1) convolution = a GEMM over pixels x channels, fused bias and clamp.
// One invocation computes a register block of 4 consecutive pixels x 4 output channels, so each
// weight vec4 loaded feeds four pixels.
// Weights: [outC4][inC4][4 input lanes] vec4s, each vec4 spanning four output channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(binding = 0) uniform samplerBuffer inp;
layout(std430, binding = 1) writeonly buffer Output { vec4 outp[]; };
layout(binding = 2) uniform samplerBuffer wts;
layout(binding = 3) uniform samplerBuffer bias;

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
} p;

void main() {
  const int px = int(gl_GlobalInvocationID.x) * 4;
  const int oc4 = int(gl_GlobalInvocationID.y);
  const int n = int(gl_GlobalInvocationID.z);
  if (px >= p.pixels || oc4 >= p.outC4 || n >= p.batch) return;
  // Pixels past the end re-read the last pixel (their results are never written).
  const int last = p.pixels - 1;
  const int p1 = min(px + 1, last) - px, p2 = min(px + 2, last) - px, p3 = min(px + 3, last) - px;

  vec4 acc0 = texelFetch(bias, oc4), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  int src = n * p.inC4 * p.pixels + px;
  int w = oc4 * p.inC4 * 4;
  for (int ic4 = 0; ic4 < p.inC4; ++ic4, src += p.pixels, w += 4) {
    const vec4 w0 = texelFetch(wts, w), w1 = texelFetch(wts, w + 1), w2 = texelFetch(wts, w + 2), w3 = texelFetch(wts, w + 3);
    acc0 += mulBlock(w0, w1, w2, w3, texelFetch(inp, src));
    acc1 += mulBlock(w0, w1, w2, w3, texelFetch(inp, src + p1));
    acc2 += mulBlock(w0, w1, w2, w3, texelFetch(inp, src + p2));
    acc3 += mulBlock(w0, w1, w2, w3, texelFetch(inp, src + p3));
  }
  const int valid = p.outC - oc4 * 4;
  const int dst = (n * p.outC4 + oc4) * p.pixels + px;
  outp[dst] = maskLanes(clamp(acc0, p.clampMin, p.clampMax), valid);
  if (px + 1 < p.pixels) outp[dst + 1] = maskLanes(clamp(acc1, p.clampMin, p.clampMax), valid);
  if (px + 2 < p.pixels) outp[dst + 2] = maskLanes(clamp(acc2, p.clampMin, p.clampMax), valid);
  if (px + 3 < p.pixels) outp[dst + 3] = maskLanes(clamp(acc3, p.clampMin, p.clampMax), valid);
}
