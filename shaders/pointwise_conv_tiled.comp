#version 450
// Pointwise (1x1) convolution as a shared-memory tiled GEMM: the desktop-GPU shape of the kernel
// variants tiled-* (ops/kernel_variants.cpp). Where pointwise_conv fetches every operand from
// memory per invocation, here a workgroup stages, per step of KC input channel groups, an input
// tile (TM pixels) and a weight tile (TN output channel groups) in shared memory once, and every
// invocation reads its register block's operands from there: each fetched value feeds TN*4 (input)
// or TM (weight) multiply-adds instead of OCB*4 or PX.
// The host makes the workgroup's width the device's subgroup size, so a subgroup is one row ty:
// its weight reads are the same address in every lane (a broadcast), and lane tx reads pixels
// tx, tx + LX, ... so that consecutive lanes read consecutive words.
// Same tensors, weights and push constants as pointwise_conv.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(constant_id = 3) const int PX = 4;   // pixels per invocation
layout(constant_id = 4) const int OCB = 2;  // output channel groups per invocation
layout(constant_id = 5) const int KC = 4;   // input channel groups per step
const int LX = int(gl_WorkGroupSize.x);
const int LY = int(gl_WorkGroupSize.y);
const int THREADS = LX * LY;
const int TM = LX * PX;   // pixels per tile
const int TN = LY * OCB;  // output channel groups per tile
const int IN_SLOTS = (KC * TM + THREADS - 1) / THREADS;     // input-tile words each invocation stages
const int W_SLOTS = (TN * KC * 4 + THREADS - 1) / THREADS;  // weight-tile words each invocation stages

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, wts);  // [outC4][inC4][4 input lanes] vec4s
READONLY_VEC4S(3, bias);

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
  float addMin, addMax;  // MOBILEVK_RESIDUAL: the ADD's clamp
} p;

#ifdef MOBILEVK_RESIDUAL
// The residual ADD fused after the conv, as in pointwise_conv.comp.
READONLY_VEC4S(4, skip);
vec4 epilogue(vec4 v, int at) { return clamp(v + FETCH4(skip, at), p.addMin, p.addMax); }
#else
vec4 epilogue(vec4 v, int at) { return v; }
#endif

shared vec4 tileIn[KC * TM];       // [k][pixel]
shared vec4 tileW[TN * KC * 4];    // [output group][k][input lane]

void main() {
  const int total = p.batch * p.pixels;
  const int tx = int(gl_LocalInvocationID.x), ty = int(gl_LocalInvocationID.y);
  const int lid = ty * LX + tx;
  const int qTile = int(gl_WorkGroupID.x) * TM;
  const int gTile = int(gl_WorkGroupID.y) * TN;

  // What this invocation stages each step, resolved once: the tile slot, where its word lies at
  // step 0, and which channel group of the step it is (-1: outside the tensor, staged as zero).
  int inSrc[IN_SLOTS], inK[IN_SLOTS];
  for (int s = 0; s < IN_SLOTS; ++s) {
    const int t = lid + s * THREADS, k = t / TM, q = qTile + t - k * TM;
    inK[s] = (t < KC * TM && q < total) ? k : -1;
    const int n = q / p.pixels, pix = q - n * p.pixels;
    inSrc[s] = n * p.inC4 * p.pixels + pix + k * p.pixels;
  }
  int wSrc[W_SLOTS], wK[W_SLOTS];
  for (int s = 0; s < W_SLOTS; ++s) {
    const int t = lid + s * THREADS, n = t / (KC * 4), r = t - n * KC * 4, g = gTile + n;
    wK[s] = (t < TN * KC * 4 && g < p.outC4) ? r / 4 : -1;
    wSrc[s] = g * p.inC4 * 4 + r;
  }

  vec4 acc[PX * OCB];
  for (int j = 0; j < OCB; ++j) {
    const vec4 b = FETCH4(bias, min(gTile + ty * OCB + j, p.outC4 - 1));
    for (int i = 0; i < PX; ++i) acc[j * PX + i] = b;
  }
  for (int k0 = 0; k0 < p.inC4; k0 += KC) {
    for (int s = 0; s < IN_SLOTS; ++s) {
      const int t = lid + s * THREADS;
      if (t < KC * TM)
        tileIn[t] = (inK[s] >= 0 && k0 + inK[s] < p.inC4) ? FETCH4(inp, inSrc[s] + k0 * p.pixels) : vec4(0.0);
    }
    for (int s = 0; s < W_SLOTS; ++s) {
      const int t = lid + s * THREADS;
      if (t < TN * KC * 4)
        tileW[t] = (wK[s] >= 0 && k0 + wK[s] < p.inC4) ? FETCH4(wts, wSrc[s] + k0 * 4) : vec4(0.0);
    }
    barrier();
    const int steps = min(KC, p.inC4 - k0);  // the same in the whole workgroup
    for (int k = 0; k < steps; ++k) {
      vec4 x[PX];
      for (int i = 0; i < PX; ++i) x[i] = tileIn[k * TM + tx + i * LX];
      for (int j = 0; j < OCB; ++j) {
        const int w = ((ty * OCB + j) * KC + k) * 4;
        const vec4 w0 = tileW[w], w1 = tileW[w + 1], w2 = tileW[w + 2], w3 = tileW[w + 3];
        for (int i = 0; i < PX; ++i) acc[j * PX + i] += mulBlock(w0, w1, w2, w3, x[i]);
      }
    }
    barrier();
  }
  for (int j = 0; j < OCB; ++j) {
    const int g = gTile + ty * OCB + j;
    if (g >= p.outC4) break;
    const int valid = p.outC - g * 4;
    for (int i = 0; i < PX; ++i) {
      const int q = qTile + tx + i * LX;
      if (q >= total) break;
      const int n = q / p.pixels, pix = q - n * p.pixels;
      const int at = n * p.outC4 * p.pixels + g * p.pixels + pix;
      outp[at] = STORE_VEC4(maskLanes(epilogue(clamp(acc[j * PX + i], p.clampMin, p.clampMax), at), valid));
    }
  }
}
