#version 450
// Integer depthwise convolution (one filter per channel, multiplier 1) with stride and padding.
// As the float shader: OUT_X horizontally adjacent outputs of four channels per invocation, the input
// columns their windows share fetched once per kernel row (a register window), each weight once per
// row. sum (x - xz)(w - wz) = sum x (w - wz) - xz * sum (w - wz) over every tap, the padding read as
// xz: the host folds the second term into Channel.foldedBias, and the loop sums x * (w - wz) in
// float, exactly: each product is at most 255 * 255 and a window of up to 256 taps sums to less
// than 2^24, an integer float represents exactly.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

// The window shape is compiled in (constant register-window indices, as in depthwise_conv.comp).
layout(constant_id = 3) const int OUT_X = 4;
layout(constant_id = 4) const int KH = 3;
layout(constant_id = 5) const int KW = 3;
layout(constant_id = 6) const int SY = 1;
layout(constant_id = 7) const int SX = 1;
layout(constant_id = 8) const bool SIGNED = false;
layout(constant_id = 9) const int DY = 1;  // dilation, as in depthwise_conv.comp
layout(constant_id = 10) const int DX = 1;
const int COLS = (OUT_X - 1) * SX + (KW - 1) * DX + 1;

READONLY_WORDS(0, inp);      // [N][C4][H][W] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
READONLY_WORDS(2, weights);  // [C4][kH][kW]: 4 channels per texel
layout(std430, binding = 3) readonly buffer Channels { Channel ch[]; };

layout(push_constant) uniform Params {
  int batch, inH, inW, c4, outH, outW, c;
  int kH, kW, strideY, strideX, padTop, padLeft;
  int inZero, outZero, actMin, actMax, isSigned;
} p;

void main() {
  const int groupsX = (p.outW + OUT_X - 1) / OUT_X;
  const int item = int(gl_GlobalInvocationID.x);
  const int oy = item / groupsX;
  const int ox0 = (item - oy * groupsX) * OUT_X;
  const int z = int(gl_GlobalInvocationID.z);  // n * c4 + channel group: also the input plane
  if (oy >= p.outH || z >= p.batch * p.c4) return;
  const int g = z % p.c4, c = g * 4;
  const ivec4 wz = ivec4(ch[c].weightZero, ch[c + 1].weightZero, ch[c + 2].weightZero, ch[c + 3].weightZero);
  vec4 acc[OUT_X];
  for (int o = 0; o < OUT_X; ++o) acc[o] = vec4(0.0);
  const int iy0 = oy * SY - p.padTop, ix0 = ox0 * SX - p.padLeft;
  const int plane = z * p.inH * p.inW;
  const vec4 zero = vec4(p.inZero);  // what the padding holds
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = iy0 + ky * DY;
    const bool rowInside = iy >= 0 && iy < p.inH;
    vec4 row[COLS];
    for (int i = 0; i < COLS; ++i) {
      const int ix = ix0 + i;
      row[i] = rowInside && ix >= 0 && ix < p.inW ? vec4(values(FETCHU(inp, plane + iy * p.inW + ix), SIGNED)) : zero;
    }
    for (int kx = 0; kx < KW; ++kx) {
      const vec4 w = vec4(values(FETCHU(weights, (g * KH + ky) * KW + kx), SIGNED) - wz);
      for (int o = 0; o < OUT_X; ++o) acc[o] += row[o * SX + kx * DX] * w;
    }
  }
  const ivec4 folded = ivec4(ch[c].foldedBias, ch[c + 1].foldedBias, ch[c + 2].foldedBias, ch[c + 3].foldedBias);
  const vec4 scale = vec4(ch[c].scale, ch[c + 1].scale, ch[c + 2].scale, ch[c + 3].scale);
  const int dst = (z * p.outH + oy) * p.outW + ox0;
  for (int o = 0; o < OUT_X; ++o) {
    if (ox0 + o >= p.outW) break;
    const ivec4 a = folded + ivec4(acc[o]);
    const ivec4 q = requantize(a, scale, p.outZero, p.actMin, p.actMax);
    outp[dst + o] = packBytes(padLanes(q, p.c - c, p.outZero));
  }
}
