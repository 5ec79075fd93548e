#version 450
// Depthwise convolution (channel multiplier 1), any kernel, stride and padding, fused bias and clamp.
// One invocation computes one output pixel for four channels.
// Weights: [C4][kH][kW] vec4s.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Input { vec4 inp[]; };
layout(std430, binding = 1) writeonly buffer Output { vec4 outp[]; };
layout(std430, binding = 2) readonly buffer Weights { vec4 wts[]; };
layout(std430, binding = 3) readonly buffer Bias { vec4 bias[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, c4;
  int outH, outW, c;
  int kH, kW, strideY, strideX;
  int padTop, padLeft;
  float clampMin, clampMax;
} p;

void main() {
  const int ox = int(gl_GlobalInvocationID.x);
  const int oy = int(gl_GlobalInvocationID.y);
  const int z = int(gl_GlobalInvocationID.z);
  if (ox >= p.outW || oy >= p.outH || z >= p.batch * p.c4) return;
  const int cg = z % p.c4;  // z = n * c4 + cg, and the input plane index is z too

  vec4 acc = bias[cg];
  const int iy0 = oy * p.strideY - p.padTop;
  const int ix0 = ox * p.strideX - p.padLeft;
  const int plane = z * p.inH * p.inW;
  for (int ky = 0; ky < p.kH; ++ky) {
    const int iy = iy0 + ky;
    if (iy < 0 || iy >= p.inH) continue;
    for (int kx = 0; kx < p.kW; ++kx) {
      const int ix = ix0 + kx;
      if (ix < 0 || ix >= p.inW) continue;
      acc += inp[plane + iy * p.inW + ix] * wts[(cg * p.kH + ky) * p.kW + kx];
    }
  }
  acc = maskLanes(clamp(acc, p.clampMin, p.clampMax), p.c - cg * 4);
  outp[(z * p.outH + oy) * p.outW + ox] = acc;
}
