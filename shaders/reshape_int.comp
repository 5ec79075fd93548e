#version 450
// Integer RESHAPE (reshape.comp on 8-bit tensors): the stored bytes move, padding lanes hold the
// zero point.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };

layout(push_constant) uniform Params {
  int inH, inW, inC, outH, outW, outC, planes, zeroPoint;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  const int outC4 = (p.outC + 3) / 4, inC4 = (p.inC + 3) / 4;
  if (pixel >= p.outH * p.outW || plane >= p.planes) return;
  const int n = plane / outC4, group = plane % outC4;
  ivec4 q = ivec4(p.zeroPoint);
  for (int lane = 0; lane < 4; ++lane) {
    const int c = group * 4 + lane;
    if (c >= p.outC) break;
    const int f = pixel * p.outC + c;
    const int ic = f % p.inC, ipixel = f / p.inC;
    q[lane] = int(FETCHU(inp, (n * inC4 + ic / 4) * p.inH * p.inW + ipixel)[ic % 4]);
  }
  outp[plane * p.outH * p.outW + pixel] = packBytes(q);
}
