#version 450
// Max pooling over a kH x kW window with stride and padding: [N][C4][H][W] -> [N][C4][outH][outW],
// then the fused activation clamp. Positions in the padding are skipped (TensorFlow's rule: padding
// never wins the max). One invocation per output vec4; max is exact, so fp32 results equal the CPU's.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);  // texel fetches: see BindingType::Texel
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, c4, outH, outW, c;
  int kH, kW, strideY, strideX, padTop, padLeft;
  float clampMin, clampMax;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x);
  const int y = int(gl_GlobalInvocationID.y);
  const int plane = int(gl_GlobalInvocationID.z);  // n * c4 + channel group
  if (x >= p.outW || y >= p.outH || plane >= p.batch * p.c4) return;
  const int y0 = y * p.strideY - p.padTop, x0 = x * p.strideX - p.padLeft;
  const int base = plane * p.inH * p.inW;
  vec4 m = vec4(-3.402823466e38);  // -FLT_MAX, as the CPU reference starts
  for (int ky = max(0, -y0); ky < min(p.kH, p.inH - y0); ++ky)
    for (int kx = max(0, -x0); kx < min(p.kW, p.inW - x0); ++kx)
      m = max(m, FETCH4(inp, base + (y0 + ky) * p.inW + x0 + kx));
  const vec4 v = clamp(m, vec4(p.clampMin), vec4(p.clampMax));
  outp[(plane * p.outH + y) * p.outW + x] = STORE_VEC4(maskLanes(v, p.c - (plane % p.c4) * 4));
}
