#version 450
// Depthwise convolution (channel multiplier 1), any kernel, stride and padding, fused bias and clamp.
// One invocation computes OUT_X horizontally adjacent output pixels for four channels: the input
// columns their windows share are fetched once per kernel row (a sliding register window), and each
// weight once per row, instead of once per output.
// Weights: [C4][kH][kW] vec4s.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// The window shape is compiled in, so the register window's indices are constants (a dynamically
// indexed local array would live in slow scratch memory on CPU drivers).
layout(constant_id = 3) const int OUT_X = 4;
layout(constant_id = 4) const int KH = 3;
layout(constant_id = 5) const int KW = 3;
layout(constant_id = 6) const int SY = 1;
layout(constant_id = 7) const int SX = 1;
layout(constant_id = 8) const int DY = 1;  // dilation: tap (ky, kx) reads (iy0 + ky * DY, ix0 + kx * DX)
layout(constant_id = 9) const int DX = 1;
const int COLS = (OUT_X - 1) * SX + (KW - 1) * DX + 1;

READONLY_VEC4S(0, inp);  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, wts);
READONLY_VEC4S(3, bias);

layout(push_constant) uniform Params {
  int batch, inH, inW, c4;
  int outH, outW, c;
  int padTop, padLeft;
  float clampMin, clampMax;
} p;

void main() {
  // x enumerates (row, group of OUT_X columns) pairs, so small maps (7x7, 14x14) still fill every
  // lane of a workgroup; z = n * c4 + channel group.
  const int groupsX = (p.outW + OUT_X - 1) / OUT_X;
  const int item = int(gl_GlobalInvocationID.x);
  const int oy = item / groupsX;
  const int ox0 = (item - oy * groupsX) * OUT_X;
  const int z = int(gl_GlobalInvocationID.z);
  if (oy >= p.outH || z >= p.batch * p.c4) return;
  const int cg = z % p.c4;  // z = n * c4 + cg, and the input plane index is z too

  const vec4 b = FETCH4(bias, cg);
  vec4 acc[OUT_X];
  for (int o = 0; o < OUT_X; ++o) acc[o] = b;
  const int iy0 = oy * SY - p.padTop;
  const int ix0 = ox0 * SX - p.padLeft;
  const int plane = z * p.inH * p.inW;
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = iy0 + ky * DY;
    if (iy < 0 || iy >= p.inH) continue;
    vec4 row[COLS];
    for (int i = 0; i < COLS; ++i) {
      const int ix = ix0 + i;
      row[i] = ix >= 0 && ix < p.inW ? FETCH4(inp, plane + iy * p.inW + ix) : vec4(0.0);
    }
    for (int kx = 0; kx < KW; ++kx) {
      const vec4 w = FETCH4(wts, (cg * KH + ky) * KW + kx);
      for (int o = 0; o < OUT_X; ++o) acc[o] += row[o * SX + kx * DX] * w;
    }
  }
  const int dst = (z * p.outH + oy) * p.outW + ox0;
  for (int o = 0; o < OUT_X; ++o)
    if (ox0 + o < p.outW) outp[dst + o] = STORE_VEC4(maskLanes(clamp(acc[o], p.clampMin, p.clampMax), p.c - cg * 4));
}
