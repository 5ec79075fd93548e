#version 450
// Standard convolution, any kernel, stride and padding, with fused bias and clamp activation.
// One invocation computes a register block of PX horizontally adjacent output pixels x OCB groups
// of 4 output channels, so each weight vec4 fetched feeds PX pixels and each input vec4 OCB groups.
// Weights: [outC4][kH][kW][inC4][4 input lanes] vec4s, each vec4 spanning four output channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(constant_id = 3) const int PX = 4;
layout(constant_id = 4) const int OCB = 2;

READONLY_VEC4S(0, inp);  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
READONLY_VEC4S(2, wts);
READONLY_VEC4S(3, bias);

layout(push_constant) uniform Params {
  int batch, inH, inW, inC4;
  int outH, outW, outC4, outC;
  int kH, kW, strideY, strideX;
  int padTop, padLeft, dilationY, dilationX;
  float clampMin, clampMax;
} p;

void main() {
  const int ox0 = int(gl_GlobalInvocationID.x) * PX;
  const int oy = int(gl_GlobalInvocationID.y);
  const int zg = int(gl_GlobalInvocationID.z);  // n * ceil(outC4 / OCB) + block
  const int blocks = (p.outC4 + OCB - 1) / OCB;
  if (ox0 >= p.outW || oy >= p.outH || zg >= p.batch * blocks) return;
  const int n = zg / blocks;
  const int oc4 = (zg - n * blocks) * OCB;
  const int inPlane = p.inH * p.inW;

  vec4 acc[PX * OCB];
  int wBase[OCB];
  for (int j = 0; j < OCB; ++j) {
    const int g = min(oc4 + j, p.outC4 - 1);
    wBase[j] = g * p.kH * p.kW * p.inC4 * 4;
    const vec4 b = FETCH4(bias, g);
    for (int i = 0; i < PX; ++i) acc[j * PX + i] = b;
  }
  const int iy0 = oy * p.strideY - p.padTop;
  for (int ky = 0; ky < p.kH; ++ky) {
    const int iy = iy0 + ky * p.dilationY;
    if (iy < 0 || iy >= p.inH) continue;
    for (int kx = 0; kx < p.kW; ++kx) {
      // Columns of the PX outputs for this tap; a column outside the input contributes zero.
      int ix[PX];
      bool inside[PX];
      for (int i = 0; i < PX; ++i) {
        ix[i] = (ox0 + i) * p.strideX - p.padLeft + kx * p.dilationX;
        inside[i] = ix[i] >= 0 && ix[i] < p.inW;
        ix[i] = clamp(ix[i], 0, p.inW - 1);
      }
      const int row = (n * p.inC4 * p.inH + iy) * p.inW;
      const int tap = (ky * p.kW + kx) * p.inC4 * 4;
      for (int ic4 = 0; ic4 < p.inC4; ++ic4) {
        vec4 x[PX];
        for (int i = 0; i < PX; ++i) x[i] = inside[i] ? FETCH4(inp, row + ic4 * inPlane + ix[i]) : vec4(0.0);
        for (int j = 0; j < OCB; ++j) {
          const int w = wBase[j] + tap + ic4 * 4;
          const vec4 w0 = FETCH4(wts, w), w1 = FETCH4(wts, w + 1), w2 = FETCH4(wts, w + 2), w3 = FETCH4(wts, w + 3);
          for (int i = 0; i < PX; ++i) acc[j * PX + i] += mulBlock(w0, w1, w2, w3, x[i]);
        }
      }
    }
  }
  for (int j = 0; j < OCB; ++j) {
    if (oc4 + j >= p.outC4) break;
    const int valid = p.outC - (oc4 + j) * 4;
    const int dst = ((n * p.outC4 + oc4 + j) * p.outH + oy) * p.outW + ox0;
    for (int i = 0; i < PX; ++i)
      if (ox0 + i < p.outW) outp[dst + i] = STORE_VEC4(maskLanes(clamp(acc[j * PX + i], p.clampMin, p.clampMax), valid));
  }
}
