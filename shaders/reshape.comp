#version 450
// RESHAPE where NC4HW4 moves elements (the channel count changes): each output element takes the
// input element of the same NHWC index within its image. One invocation per output vec4.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

READONLY_VEC4S(0, inp);
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };

layout(push_constant) uniform Params {
  int inH, inW, inC, outH, outW, outC, planes;
} p;

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), plane = int(gl_GlobalInvocationID.y);
  const int outC4 = (p.outC + 3) / 4, inC4 = (p.inC + 3) / 4;
  if (pixel >= p.outH * p.outW || plane >= p.planes) return;
  const int n = plane / outC4, group = plane % outC4;
  vec4 v = vec4(0.0);
  for (int lane = 0; lane < 4; ++lane) {
    const int c = group * 4 + lane;
    if (c >= p.outC) break;
    const int f = pixel * p.outC + c;  // the NHWC index within the image
    const int ic = f % p.inC, ipixel = f / p.inC;
    v[lane] = FETCH4(inp, (n * inC4 + ic / 4) * p.inH * p.inW + ipixel)[ic % 4];
  }
  outp[plane * p.outH * p.outW + pixel] = STORE_VEC4(v);
}
