#version 450
// A depthwise convolution fused with the pointwise convolution that follows it (the DepthwiseConv
// kernel variants fused-pw-*, for the small late maps of MobileNet: 14x14, 7x7). One dispatch
// instead of two, and the depthwise output never goes to memory: each invocation computes, per
// input channel group, the depthwise result of its PX adjacent output pixels (a sliding register
// window over the input row, as depthwise_conv does) and feeds it straight into the pointwise
// multiply-adds of its OCB output channel groups. The price: every invocation of a pixel block
// recomputes the same depthwise values, outC4 / OCB times over.
// Weights: depthwise [C4][kH][kW] vec4s, pointwise [outC4][inC4][4 input lanes] vec4s.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(constant_id = 3) const int PX = 4;   // adjacent output pixels along x per invocation
layout(constant_id = 4) const int OCB = 2;  // pointwise output channel groups per invocation
layout(constant_id = 5) const int KH = 3;
layout(constant_id = 6) const int KW = 3;
layout(constant_id = 7) const int SY = 1;
layout(constant_id = 8) const int SX = 1;
const int COLS = (PX - 1) * SX + KW;

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, dwWeights);
READONLY_VEC4S(3, dwBias);
READONLY_VEC4S(4, pwWeights);
READONLY_VEC4S(5, pwBias);

layout(push_constant) uniform Params {
  int inH, inW, c4;          // depthwise input; c4 is also the pointwise input's channel groups
  int outH, outW;            // both convolutions' output size
  int outC4, outC;           // pointwise output channels
  int padTop, padLeft;
  float dwMin, dwMax, pwMin, pwMax;  // each convolution's activation clamp
} p;

void main() {
  // x: (row, block of PX columns) pairs; y: blocks of OCB output channel groups; z: batch item.
  const int blocksX = (p.outW + PX - 1) / PX;
  const int item = int(gl_GlobalInvocationID.x);
  const int oy = item / blocksX;
  const int ox0 = (item - oy * blocksX) * PX;
  const int g0 = int(gl_GlobalInvocationID.y) * OCB;
  const int n = int(gl_GlobalInvocationID.z);
  if (oy >= p.outH || g0 >= p.outC4) return;

  vec4 acc[PX * OCB];
  for (int j = 0; j < OCB; ++j) {
    const vec4 b = FETCH4(pwBias, min(g0 + j, p.outC4 - 1));
    for (int o = 0; o < PX; ++o) acc[j * PX + o] = b;
  }
  const int iy0 = oy * SY - p.padTop, ix0 = ox0 * SX - p.padLeft;
  for (int cg = 0; cg < p.c4; ++cg) {
    const int plane = (n * p.c4 + cg) * p.inH * p.inW;
    const vec4 db = FETCH4(dwBias, cg);
    vec4 dw[PX];
    for (int o = 0; o < PX; ++o) dw[o] = db;
    for (int ky = 0; ky < KH; ++ky) {
      const int iy = iy0 + ky;
      if (iy < 0 || iy >= p.inH) continue;
      vec4 row[COLS];
      for (int i = 0; i < COLS; ++i) {
        const int ix = ix0 + i;
        row[i] = ix >= 0 && ix < p.inW ? FETCH4(inp, plane + iy * p.inW + ix) : vec4(0.0);
      }
      for (int kx = 0; kx < KW; ++kx) {
        const vec4 w = FETCH4(dwWeights, (cg * KH + ky) * KW + kx);
        for (int o = 0; o < PX; ++o) dw[o] += row[o * SX + kx] * w;
      }
    }
    // The depthwise output as the separate kernel would store it (lanes past the channel count
    // meet zero pointwise weights, so they need no mask).
    for (int o = 0; o < PX; ++o) dw[o] = clamp(dw[o], p.dwMin, p.dwMax);
#ifdef MOBILEVK_FP16
    // fp16 networks store the depthwise output in fp16: round it as that store would.
    for (int o = 0; o < PX; ++o)
      dw[o] = vec4(unpackHalf2x16(packHalf2x16(dw[o].xy)), unpackHalf2x16(packHalf2x16(dw[o].zw)));
#endif
    for (int j = 0; j < OCB; ++j) {
      const int w = (min(g0 + j, p.outC4 - 1) * p.c4 + cg) * 4;
      const vec4 w0 = FETCH4(pwWeights, w), w1 = FETCH4(pwWeights, w + 1), w2 = FETCH4(pwWeights, w + 2),
                 w3 = FETCH4(pwWeights, w + 3);
      for (int o = 0; o < PX; ++o) acc[j * PX + o] += mulBlock(w0, w1, w2, w3, dw[o]);
    }
  }
  for (int j = 0; j < OCB; ++j) {
    const int g = g0 + j;
    if (g >= p.outC4) break;
    const int dst = ((n * p.outC4 + g) * p.outH + oy) * p.outW + ox0;
    for (int o = 0; o < PX; ++o)
      if (ox0 + o < p.outW)
        outp[dst + o] = STORE_VEC4(maskLanes(clamp(acc[j * PX + o], p.pwMin, p.pwMax), p.outC - g * 4));
  }
}
