// Shared by the integer-execution shaders. An 8-bit tensor is NC4HW4 with the four channels of a
// group packed into one uint (channel 4k+i in bits 8i..8i+7); shaders read it through an
// R8G8B8A8_UINT texel buffer (a uvec4 of bytes) and write packed uints. int8 values are stored as
// their two's-complement byte, so one shader serves uint8 and int8 files (isSigned).

// The stored bytes as the values they encode.
ivec4 values(uvec4 bytes, bool isSigned) {
  const ivec4 v = ivec4(bytes);
  return isSigned ? (v ^ 128) - 128 : v;
}

uint packBytes(ivec4 q) {
  const uvec4 b = uvec4(q) & 0xFFu;
  return b.x | (b.y << 8) | (b.z << 16) | (b.w << 24);
}

int dot4(ivec4 a, ivec4 b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }

// XNNPACK's fp32 requantization, as the CPU twin (graph/quantization.h): the accumulator to float
// (correctly rounded), times the channel's scale (correctly rounded, never fused: precise), clamped
// to the activation range less the zero point, rounded ties-to-even, plus the zero point.
// Four channels at once; the scales are read into registers before any output is stored (a store
// to the output could alias the channel table for all the compiler knows, so loads inside the store
// loop are repeated per output, which costs CPU drivers dearly).
ivec4 requantize(ivec4 acc, vec4 scale, int zeroPoint, int lo, int hi) {
  precise vec4 f = vec4(acc) * scale;
  f = min(max(f, vec4(lo - zeroPoint)), vec4(hi - zeroPoint));
  return ivec4(roundEven(f)) + zeroPoint;
}

// Lanes of the last channel group past the real channel count hold the zero point, so that they
// contribute nothing to the next layer's (x - zero point) products.
ivec4 padLanes(ivec4 q, int validLanes, int zeroPoint) {
  return mix(ivec4(zeroPoint), q, lessThan(ivec4(0, 1, 2, 3), ivec4(validLanes)));
}

// Per output channel: the requantization scale, the int32 bias, the weights' zero point, and the
// bias with the zero-point terms that do not depend on x folded in (foldedBias in
// ops/integer_op.cpp: bias - xz * sum w + K * xz * wz over the K padded lanes of a convolution
// summing over channels; bias - xz * sum (w - wz) over a depthwise window).
struct Channel {
  float scale;
  int bias;
  int weightZero;
  int foldedBias;
};
