#version 450
// Integer softmax, TFLite's quantized kernel (the CPU twin's arithmetic, step for step): exp from a
// 256-entry float table (computed on the host, as TFLite does) indexed by the distance to the row's
// maximum, a float sum in channel order, the reciprocal of sum * output scale, and each probability
// rounded onto the output grid. Float adds and multiplies are correctly rounded in Vulkan and kept
// unfused (precise); division is not (2.5 ULP), so the reciprocal is computed exactly in integers.
// One invocation per pixel: the sum's order is the CPU's.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "int8.glsl"

READONLY_WORDS(0, inp);  // [N][C4][pixels] packed bytes
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
layout(std430, binding = 2) readonly buffer Table { float expTable[256]; };

layout(push_constant) uniform Params {
  int batch, pixels, c4, c, outZero, isSigned;
  float outScale;
} p;

// 1 / b rounded to nearest even, for a positive normal b whose reciprocal is normal: the 24-bit
// significand of 2^24 / m (m b's significand) by restoring long division, a round bit and a sticky bit.
float reciprocal(float b) {
  const uint bits = floatBitsToUint(b);
  const int e = int((bits >> 23) & 0xFFu) - 127;
  const uint m = (bits & 0x7FFFFFu) | 0x800000u;
  if (m == 0x800000u) return uintBitsToFloat(uint(127 - e) << 23);  // a power of two: exact
  // 2^24 / m lies in (1, 2): its integer bit is 1; then 23 fraction bits and the round bit.
  uint q = 1u, rem = 0x1000000u - m;
  for (int i = 0; i < 24; ++i) {
    rem <<= 1;
    q <<= 1;
    if (rem >= m) {
      rem -= m;
      q |= 1u;
    }
  }
  uint significand = q >> 1;
  const bool roundBit = (q & 1u) != 0u, sticky = rem != 0u;
  if (roundBit && (sticky || (significand & 1u) != 0u)) significand += 1u;
  int exponent = -e - 1;  // 1/b = (2^24/m) * 2^(-e-1)
  if (significand == 0x1000000u) {
    significand >>= 1;
    exponent += 1;
  }
  return uintBitsToFloat((uint(exponent + 127) << 23) | (significand & 0x7FFFFFu));
}

int channelValue(int n, int pixel, int ch, bool s) {
  return values(FETCHU(inp, (n * p.c4 + ch / 4) * p.pixels + pixel), s)[ch % 4];
}

void main() {
  const int pixel = int(gl_GlobalInvocationID.x), n = int(gl_GlobalInvocationID.y);
  if (pixel >= p.pixels || n >= p.batch) return;
  const bool s = p.isSigned != 0;
  int m = channelValue(n, pixel, 0, s);
  for (int ch = 1; ch < p.c; ++ch) m = max(m, channelValue(n, pixel, ch, s));
  precise float sum = 0.0;
  for (int ch = 0; ch < p.c; ++ch) sum += expTable[255 - m + channelValue(n, pixel, ch, s)];
  precise const float inv = reciprocal(sum * p.outScale);
  const int lo = s ? -128 : 0, hi = s ? 127 : 255;
  for (int g = 0; g < p.c4; ++g) {
    ivec4 q = ivec4(p.outZero);
    for (int j = 0; j < 4 && g * 4 + j < p.c; ++j) {
      precise const float prob = expTable[255 - m + channelValue(n, pixel, g * 4 + j, s)] * inv;
      int v;
      if (s) {
        // std::round for prob >= 0, exactly: floor plus one where the fraction reaches one half.
        const float whole = floor(prob);
        v = int(whole) + (prob - whole >= 0.5 ? 1 : 0) + p.outZero;
      } else {
        precise const float shifted = prob + 0.5;  // TFLite's uint8 rounding: add one half, truncate
        v = int(shifted);
      }
      q[j] = clamp(v, lo, hi);
    }
    outp[(n * p.c4 + g) * p.pixels + pixel] = packBytes(q);
  }
}
