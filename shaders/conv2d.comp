#version 450
// Standard convolution, any kernel, stride and padding, with fused bias and clamp activation.
// One invocation computes four output channels (one vec4) of one output pixel.
// Weights: [outC4][kH][kW][inC4][4 input lanes] vec4s, each vec4 spanning four output channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(binding = 0) uniform samplerBuffer inp;  // texel fetches: see PipelineDesc::texelBindings
layout(std430, binding = 1) writeonly buffer Output { vec4 outp[]; };
layout(binding = 2) uniform samplerBuffer wts;
layout(binding = 3) uniform samplerBuffer bias;

layout(push_constant) uniform Params {
  int batch, inH, inW, inC4;
  int outH, outW, outC4, outC;
  int kH, kW, strideY, strideX;
  int padTop, padLeft;
  float clampMin, clampMax;
} p;

void main() {
  const int ox = int(gl_GlobalInvocationID.x);
  const int oy = int(gl_GlobalInvocationID.y);
  const int z = int(gl_GlobalInvocationID.z);
  if (ox >= p.outW || oy >= p.outH || z >= p.batch * p.outC4) return;
  const int n = z / p.outC4;
  const int oc4 = z - n * p.outC4;
  const int inPlane = p.inH * p.inW;

  vec4 acc = texelFetch(bias, oc4);
  const int iy0 = oy * p.strideY - p.padTop;
  const int ix0 = ox * p.strideX - p.padLeft;
  for (int ky = 0; ky < p.kH; ++ky) {
    const int iy = iy0 + ky;
    if (iy < 0 || iy >= p.inH) continue;
    for (int kx = 0; kx < p.kW; ++kx) {
      const int ix = ix0 + kx;
      if (ix < 0 || ix >= p.inW) continue;
      int src = (n * p.inC4 * p.inH + iy) * p.inW + ix;
      int w = ((oc4 * p.kH + ky) * p.kW + kx) * p.inC4 * 4;
      for (int ic4 = 0; ic4 < p.inC4; ++ic4, src += inPlane, w += 4)
        acc += mulBlock(texelFetch(wts, w), texelFetch(wts, w + 1), texelFetch(wts, w + 2), texelFetch(wts, w + 3), texelFetch(inp, src));
    }
  }
  acc = maskLanes(clamp(acc, p.clampMin, p.clampMax), p.outC - oc4 * 4);
  outp[((n * p.outC4 + oc4) * p.outH + oy) * p.outW + ox] = acc;
}
