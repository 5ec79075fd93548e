#version 450
// Integer max pooling: the largest stored value of each window (padding skipped), then the
// activation range; the output keeps the input's grid.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);  // [N][C4][H][W] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, c4, outH, outW, c;
  int kH, kW, strideY, strideX, padTop, padLeft;
  int zeroPoint, actMin, actMax, isSigned;
} p;

void main() {
  const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
  const int plane = int(gl_GlobalInvocationID.z);  // n * c4 + channel group
  if (x >= p.outW || y >= p.outH || plane >= p.batch * p.c4) return;
  const bool s = p.isSigned != 0;
  const int y0 = y * p.strideY - p.padTop, x0 = x * p.strideX - p.padLeft;
  ivec4 m = ivec4(s ? -128 : 0);
  for (int ky = max(0, -y0); ky < min(p.kH, p.inH - y0); ++ky)
    for (int kx = max(0, -x0); kx < min(p.kW, p.inW - x0); ++kx)
      m = max(m, values(FETCHU(inp, (plane * p.inH + y0 + ky) * p.inW + x0 + kx), s));
  const ivec4 q = clamp(m, ivec4(p.actMin), ivec4(p.actMax));
  outp[(plane * p.outH + y) * p.outW + x] = packBytes(padLanes(q, p.c - (plane % p.c4) * 4, p.zeroPoint));
}
