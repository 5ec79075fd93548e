#version 450
// Pointwise (1x1, stride 1) convolution = a GEMM over pixels x channels, fused bias and clamp.
// The pixels of all batch items form one GEMM dimension (N*H*W), so a batch streams each weight
// block once for all its images rather than once per image.
// One invocation computes a register block of PX consecutive pixels x OCB groups of 4 output
// channels: per step of 4 input channels it fetches PX input vec4s and 4*OCB weight vec4s and does
// 16*PX*OCB multiply-adds. The block shape is compiled in (specialization constants) and chosen per
// device on the host.
// Weights: [outC4][inC4][4 input lanes] vec4s, each vec4 spanning four output channels.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(constant_id = 3) const int PX = 4;
layout(constant_id = 4) const int OCB = 2;

layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
// The _ssbo build (MOBILEVK_SSBO, common.glsl) reads through storage buffers: a kernel variant of
// its own, and the fallback for tensors over maxTexelBufferElements (on lavapipe a storage load
// is a per-lane loop, much slower).
READONLY_VEC4S(0, inp);
READONLY_VEC4S(2, wts);
READONLY_VEC4S(3, bias);

#ifdef MOBILEVK_F16_MATH
// The fp16-arithmetic builds (f16math, f16math_acc32; fp16 tensors only): operands convert to
// f16vec4 as fetched and every multiply-add is fp16, twice the rate of fp32 on GPUs with packed
// fp16 ALUs. With MOBILEVK_ACC32 only the 16 products of each 4-channel step are fp16 and the sum
// over input channels stays fp32, bounding the rounding of long sums (1024 channels) by fp32's.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define MATH_VEC4 f16vec4
f16vec4 mulBlock(f16vec4 w0, f16vec4 w1, f16vec4 w2, f16vec4 w3, f16vec4 v) {
  return w0 * v.x + w1 * v.y + w2 * v.z + w3 * v.w;
}
#ifdef MOBILEVK_ACC32
#define ACC_VEC4 vec4
#else
#define ACC_VEC4 f16vec4
#endif
#else
#define MATH_VEC4 vec4
#define ACC_VEC4 vec4
#endif

layout(push_constant) uniform Params {
  int batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
  float addMin, addMax;  // MOBILEVK_RESIDUAL: the ADD's clamp
} p;

#ifdef MOBILEVK_RESIDUAL
// The _residual builds (a pointwise conv step that also does the residual ADD consuming its
// output): the conv's clamped result plus the skip tensor (laid out as the output), then the ADD's
// clamp. Lanes past the channel count stay zero (both operands' are).
READONLY_VEC4S(4, skip);
vec4 epilogue(vec4 v, int at) { return clamp(v + FETCH4(skip, at), p.addMin, p.addMax); }
#else
vec4 epilogue(vec4 v, int at) { return v; }
#endif

void main() {
  const int total = p.batch * p.pixels;
  const int q0 = int(gl_GlobalInvocationID.x) * PX;  // flat pixel index over the whole batch
  const int oc4 = int(gl_GlobalInvocationID.y) * OCB;
  if (q0 >= total || oc4 >= p.outC4) return;
  // Where each of the PX pixels starts in the input and output (its image's planes); pixels past
  // the end re-read the last one (their results are never written).
  int srcBase[PX], dstBase[PX];
  for (int i = 0; i < PX; ++i) {
    const int q = min(q0 + i, total - 1);
    const int n = q / p.pixels, pix = q - n * p.pixels;
    srcBase[i] = n * p.inC4 * p.pixels + pix;
    dstBase[i] = n * p.outC4 * p.pixels + pix;
  }
  int wRow[OCB];
  ACC_VEC4 acc[PX * OCB];
  for (int j = 0; j < OCB; ++j) {
    const int g = min(oc4 + j, p.outC4 - 1);
    wRow[j] = g * p.inC4 * 4;
    const ACC_VEC4 b = ACC_VEC4(FETCH4(bias, g));
    for (int i = 0; i < PX; ++i) acc[j * PX + i] = b;
  }
  for (int ic4 = 0, plane = 0; ic4 < p.inC4; ++ic4, plane += p.pixels) {
    MATH_VEC4 x[PX];
    for (int i = 0; i < PX; ++i) x[i] = MATH_VEC4(FETCH4(inp, srcBase[i] + plane));
    for (int j = 0; j < OCB; ++j) {
      const int w = wRow[j] + ic4 * 4;
      const MATH_VEC4 w0 = MATH_VEC4(FETCH4(wts, w)), w1 = MATH_VEC4(FETCH4(wts, w + 1)),
                      w2 = MATH_VEC4(FETCH4(wts, w + 2)), w3 = MATH_VEC4(FETCH4(wts, w + 3));
      for (int i = 0; i < PX; ++i) acc[j * PX + i] += ACC_VEC4(mulBlock(w0, w1, w2, w3, x[i]));
    }
  }
  for (int j = 0; j < OCB; ++j) {
    if (oc4 + j >= p.outC4) break;
    const int valid = p.outC - (oc4 + j) * 4;
    for (int i = 0; i < PX; ++i)
      if (q0 + i < total) {
        const int at = dstBase[i] + (oc4 + j) * p.pixels;
        outp[at] = STORE_VEC4(maskLanes(epilogue(clamp(vec4(acc[j * PX + i]), p.clampMin, p.clampMax), at), valid));
      }
  }
}
