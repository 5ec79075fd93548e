// Every GPU op against its CPU reference twin, over fixed edge cases (MobileNet's own shapes, odd
// sizes, channel counts not a multiple of 4, stride 2 on odd inputs, TF-SAME asymmetric padding,
// batch 3, each activation) and seeded random shapes.
//
// Tolerance for the sum-of-products ops (convolutions, fully connected, average pool): the
// classical bound for float summation in any order, |computed - exact| <= fp32Gamma(K) * sum|terms|,
// fp32Gamma(K) = K*u / (1 - K*u), u = 2^-24, where K counts the roundings an output goes through (one per
// term plus one per product, hence K = 2*terms + 1 covering the bias). sum|terms| is computed
// exactly by running the double-precision reference on |input|, |weights| and |bias|. This bound
// is rigorous whatever order or FMA contraction the driver uses, so it cannot fail spuriously, yet
// a wrong index, a missing term or a stale padding lane gives errors orders of magnitude above it.
#include <doctest/doctest.h>
#include "internal_access.h"

#include <cmath>
#include <random>

#include "cpu/reference.h"
#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "ops/conv2d.h"
#include "ops/depthwise_conv.h"
#include "ops/depthwise_pointwise_conv.h"
#include "ops/fully_connected.h"
#include "ops/global_avg_pool.h"
#include "ops/gpu_op_table.h"
#include "ops/pointwise_conv.h"
#include "ops/softmax.h"
#include "vulkan/gpu.h"

using namespace mobilevk;
using namespace testing;

namespace {

double fp32Gamma(double k) {
  const double u = std::ldexp(1.0, -24);
  return k * u / (1.0 - k * u);
}

// binary16 unit roundoff. With fp16 storage, inputs, weights and bias are each rounded once
// (|w x - w' x'| <= (2u + u^2)|w x|) and the output once more: 3.01 u * sum|terms| on top of the
// fp32 summation bound.
constexpr double kHalfU = 1.0 / 2048.0;

// The fp16-arithmetic kernel variants add their own rounding to the bound:
//  * fp32 accumulation (-f16acc32): each product of fp16 operands and the fp16 sum of each 4-channel
//    step round at most 4 times before the fp32 sum: gamma_4 in binary16, 4.01 u * sum|terms|.
//  * fp16 accumulation (-f16): the worst-case bound gamma_n in binary16 passes 1 at n = 2048 terms, so
//    the probabilistic bound of Higham & Mary (SIAM J. Sci. Comput. 41(5), 2019, thm 3.1) is used:
//    with rounding errors independent and mean zero, |error| <= (exp(lambda sqrt(n) u + n u^2/(1-u)) - 1)
//    * sum|terms| with probability >= 1 - 2n exp(-lambda^2 (1-u)^2 / 2); lambda = 8 makes that
//    1 - 3e-11 at n = 1028 (13% of sum|terms| there, 2.4% at n = 41). A kernel that drops or
//    repeats a term is off by about its whole value, far past either.
double halfArithmeticBound(const KernelVariant* variant, double terms) {
  if (!variant) return 0.0;
  if (variant->build == KernelVariant::Build::HalfAcc32) return 4.01 * kHalfU;
  if (variant->build != KernelVariant::Build::Half) return 0.0;
  const double n = terms + 4.0, lambda = 8.0;
  return std::exp(lambda * std::sqrt(n) * kHalfU + n * kHalfU * kHalfU / (1.0 - kHalfU)) - 1.0;
}

std::vector<float> summationTolerance(const HostTensor& absRef, double terms, Precision p = Precision::FP32,
                                      const KernelVariant* variant = nullptr) {
  std::vector<float> tol(absRef.data.size());
  const double g = fp32Gamma(2.0 * terms + 1.0) + (p == Precision::FP16 ? 3.01 * kHalfU : 0.0) +
                   halfArithmeticBound(variant, terms);
  for (size_t i = 0; i < tol.size(); ++i) tol[i] = float(g * absRef.data[i] + 1e-7);
  return tol;
}

HostTensor absTensor(HostTensor t) {
  for (auto& v : t.data) v = std::fabs(v);
  return t;
}

ConvDesc absDesc(ConvDesc d) {
  for (auto& v : d.weights) v = std::fabs(v);
  for (auto& v : d.bias) v = std::fabs(v);
  d.activation = Activation::none();
  return d;
}

struct ConvCase {
  ConvKind kind;
  Shape in;
  int outC;
  int kH, kW, strideY, strideX;
  Padding pad;
  Activation act;
  bool bias = true;
  int dilation = 1;  // both axes
};

std::string describe(const ConvCase& c) {
  std::string pad = c.pad.kind == Padding::Kind::Same
                        ? "SAME"
                        : std::to_string(c.pad.top) + "," + std::to_string(c.pad.bottom) + "," +
                              std::to_string(c.pad.left) + "," + std::to_string(c.pad.right);
  return std::string(convKindName(c.kind)) + " in " + c.in.str() + " out C " + std::to_string(c.outC) + " k" +
         std::to_string(c.kH) + "x" + std::to_string(c.kW) + " s" + std::to_string(c.strideY) + "x" +
         std::to_string(c.strideX) + " pad " + pad + " act " + c.act.str() + (c.bias ? " bias" : " nobias") +
         (c.dilation != 1 ? " dilation " + std::to_string(c.dilation) : "");
}

void checkConv(const ConvCase& c, std::mt19937& rng, Precision precision = Precision::FP32,
               const KernelVariant* variant = nullptr) {
  CAPTURE(describe(c));
  CAPTURE(precision == Precision::FP16);
  CAPTURE(std::string(variant ? variant->name : "default"));
  ConvDesc d;
  d.name = "test";
  d.inChannels = c.in.c;
  d.outChannels = c.kind == ConvKind::Depthwise ? c.in.c : c.outC;
  d.window = {c.kH, c.kW, c.strideY, c.strideX, c.pad};
  d.window.dilationY = d.window.dilationX = c.dilation;
  d.activation = c.act;
  size_t terms = 0;
  switch (c.kind) {
    case ConvKind::Standard: d.weights = randomVector(size_t(d.outChannels) * c.kH * c.kW * c.in.c, rng); terms = size_t(c.kH) * c.kW * c.in.c; break;
    case ConvKind::Depthwise: d.weights = randomVector(size_t(c.kH) * c.kW * c.in.c, rng); terms = size_t(c.kH) * c.kW; break;
    case ConvKind::Pointwise:
    case ConvKind::FullyConnected: d.weights = randomVector(size_t(d.outChannels) * c.in.c, rng); terms = c.in.c; break;
  }
  if (c.bias) d.bias = randomVector(d.outChannels, rng);
  const HostTensor in = randomTensor(c.in, rng);

  HostTensor ref, absRef, gpu;
  auto& g = InternalAccess::gpu(context());
  switch (c.kind) {
    case ConvKind::Standard: {
      ref = cpu::conv2d(in, d);
      absRef = cpu::conv2d(absTensor(in), absDesc(d));
      Conv2D op(g, d, precision, variant);
      gpu = runGpu(op, in, precision);
      break;
    }
    case ConvKind::Depthwise: {
      ref = cpu::depthwiseConv(in, d);
      absRef = cpu::depthwiseConv(absTensor(in), absDesc(d));
      DepthwiseConv op(g, d, precision, variant);
      gpu = runGpu(op, in, precision);
      break;
    }
    case ConvKind::Pointwise: {
      ref = cpu::pointwiseConv(in, d);
      absRef = cpu::pointwiseConv(absTensor(in), absDesc(d));
      PointwiseConv op(g, d, precision, variant);
      gpu = runGpu(op, in, precision);
      break;
    }
    case ConvKind::FullyConnected: {
      ref = cpu::fullyConnected(in, d);
      absRef = cpu::fullyConnected(absTensor(in), absDesc(d));
      FullyConnected op(g, d, precision);
      gpu = runGpu(op, in, precision);
      break;
    }
  }
  const double err = expectClose(gpu, ref, summationTolerance(absRef, double(terms), precision, variant), describe(c));
  recordError(std::string(convKindName(c.kind)) + (precision == Precision::FP16 ? " fp16" : ""), err);
}

Activation pickActivation(std::mt19937& rng) {
  switch (rng() % 3) {
    case 0: return Activation::none();
    case 1: return Activation::relu();
    default: return Activation::relu6();
  }
}

Padding pickPadding(std::mt19937& rng, int kH, int kW) {
  switch (rng() % 3) {
    case 0: return Padding::same();
    case 1: return Padding::valid();
    default: {
      auto r = [&](int k) { return int(rng() % unsigned(k)); };  // explicit pads smaller than the kernel
      return Padding::explicitPads(r(kH), r(kH), r(kW), r(kW));
    }
  }
}

// Random window ops whose geometry is valid (kernel fits the padded input).
std::vector<ConvCase> randomWindowCases(ConvKind kind, int count, std::mt19937& rng) {
  std::vector<ConvCase> cases;
  const int kernels[] = {1, 2, 3, 5};
  const int channels[] = {1, 2, 3, 4, 5, 7, 8, 12, 13, 16, 24};
  while (int(cases.size()) < count) {
    ConvCase c;
    c.kind = kind;
    c.in = {rng() % 2 ? 1 : 3, 1 + int(rng() % 17), 1 + int(rng() % 17), channels[rng() % 11]};
    c.outC = channels[rng() % 11];
    c.kH = kernels[rng() % 4];
    c.kW = kernels[rng() % 4];
    c.strideY = 1 + int(rng() % 2);
    c.strideX = 1 + int(rng() % 2);
    c.pad = pickPadding(rng, c.kH, c.kW);
    c.act = pickActivation(rng);
    c.bias = rng() % 4 != 0;
    if (c.pad.kind != Padding::Kind::Same &&
        (c.kH > c.in.h + c.pad.top + c.pad.bottom || c.kW > c.in.w + c.pad.left + c.pad.right))
      continue;
    cases.push_back(c);
  }
  return cases;
}

const Padding kSame = Padding::same();
const Padding kValid = Padding::valid();

}  // namespace

TEST_CASE("Conv2D matches the CPU reference") {
  std::mt19937 rng(1001);
  std::vector<ConvCase> cases = {
      // MobileNet's stem: 224x224x3 -> 112x112x32, 3x3/s2 TF-SAME (pads 0 before, 1 after), ReLU6.
      {ConvKind::Standard, {1, 224, 224, 3}, 32, 3, 3, 2, 2, kSame, Activation::relu6()},
      // Same stem at 128 and batch 3 on an odd size.
      {ConvKind::Standard, {3, 33, 31, 3}, 32, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Standard, {1, 7, 5, 3}, 5, 3, 3, 1, 1, Padding::symmetric(1), Activation::none()},
      {ConvKind::Standard, {3, 9, 11, 5}, 24, 3, 3, 2, 2, kSame, Activation::relu()},
      {ConvKind::Standard, {1, 1, 1, 3}, 7, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::Standard, {1, 6, 6, 4}, 8, 5, 5, 2, 2, Padding::explicitPads(2, 1, 1, 2), Activation::relu6()},
      {ConvKind::Standard, {2, 8, 9, 6}, 5, 3, 1, 2, 1, kSame, Activation::none()},
      {ConvKind::Standard, {1, 3, 3, 2}, 3, 3, 3, 1, 1, kValid, Activation::relu(), false},
      {ConvKind::Standard, {1, 2, 2, 1000}, 5, 2, 2, 1, 1, kValid, Activation::none()},
  };
  for (auto& c : randomWindowCases(ConvKind::Standard, 25, rng)) cases.push_back(c);
  for (const auto& c : cases) checkConv(c, rng);
}

TEST_CASE("DepthwiseConv matches the CPU reference") {
  std::mt19937 rng(2002);
  std::vector<ConvCase> cases = {
      {ConvKind::Depthwise, {1, 112, 112, 32}, 0, 3, 3, 1, 1, kSame, Activation::relu6()},
      // 112 -> 56 at stride 2, TF-SAME: pad 0 before, 1 after.
      {ConvKind::Depthwise, {1, 112, 112, 64}, 0, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {3, 15, 7, 5}, 0, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {1, 3, 3, 1000}, 0, 3, 3, 1, 1, kSame, Activation::none()},
      {ConvKind::Depthwise, {1, 7, 7, 24}, 0, 3, 3, 2, 2, Padding::symmetric(1), Activation::relu()},
      {ConvKind::Depthwise, {2, 1, 1, 3}, 0, 3, 3, 1, 1, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {1, 9, 10, 7}, 0, 5, 3, 1, 2, kValid, Activation::none(), false},
  };
  for (auto& c : randomWindowCases(ConvKind::Depthwise, 25, rng)) cases.push_back(c);
  for (const auto& c : cases) checkConv(c, rng);
}

TEST_CASE("PointwiseConv matches the CPU reference") {
  std::mt19937 rng(3003);
  std::vector<ConvCase> cases = {
      {ConvKind::Pointwise, {1, 56, 56, 128}, 128, 1, 1, 1, 1, kValid, Activation::relu6()},
      {ConvKind::Pointwise, {1, 7, 7, 1024}, 1024, 1, 1, 1, 1, kValid, Activation::relu6()},
      {ConvKind::Pointwise, {1, 1, 1, 1000}, 1000, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::Pointwise, {3, 7, 5, 24}, 13, 1, 1, 1, 1, kValid, Activation::relu()},
      {ConvKind::Pointwise, {1, 3, 3, 3}, 5, 1, 1, 1, 1, kValid, Activation::relu6(), false},
      {ConvKind::Pointwise, {2, 1, 2, 5}, 1, 1, 1, 1, 1, kValid, Activation::none()},
  };
  const int channels[] = {1, 2, 3, 4, 5, 7, 8, 12, 13, 16, 24, 33};
  for (int i = 0; i < 20; ++i) {
    Shape s{rng() % 2 ? 1 : 3, 1 + int(rng() % 13), 1 + int(rng() % 13), channels[rng() % 12]};
    cases.push_back({ConvKind::Pointwise, s, channels[rng() % 12], 1, 1, 1, 1, kValid, pickActivation(rng), rng() % 4 != 0});
  }
  for (const auto& c : cases) checkConv(c, rng);
}

TEST_CASE("every kernel variant matches the CPU reference (odd sizes, odd channels, stride 2, SAME, batch 3, fp16)") {
  std::mt19937 rng(3113);
  const std::vector<ConvCase> pointwise = {
      {ConvKind::Pointwise, {1, 7, 7, 1024}, 1024, 1, 1, 1, 1, kValid, Activation::relu6()},
      {ConvKind::Pointwise, {3, 7, 5, 24}, 13, 1, 1, 1, 1, kValid, Activation::relu()},
      {ConvKind::Pointwise, {1, 3, 3, 3}, 5, 1, 1, 1, 1, kValid, Activation::relu6(), false},
      {ConvKind::Pointwise, {2, 1, 2, 5}, 1, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::Pointwise, {1, 9, 11, 33}, 37, 1, 1, 1, 1, kValid, Activation::relu6()},
  };
  const std::vector<ConvCase> depthwise = {
      {ConvKind::Depthwise, {1, 15, 15, 7}, 0, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {3, 6, 9, 5}, 0, 3, 3, 1, 1, kSame, Activation::none()},
      {ConvKind::Depthwise, {1, 14, 13, 12}, 0, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {2, 5, 17, 4}, 0, 5, 5, 1, 1, kValid, Activation::relu()},
      // Dilated (atrous, as DeepLab's): odd sizes, stride 1 and 2, SAME and VALID, a wide span.
      {ConvKind::Depthwise, {1, 17, 15, 7}, 0, 3, 3, 1, 1, kSame, Activation::relu6(), true, 2},
      {ConvKind::Depthwise, {2, 13, 12, 5}, 0, 3, 3, 2, 2, kSame, Activation::none(), true, 2},
      {ConvKind::Depthwise, {1, 11, 19, 9}, 0, 3, 3, 1, 1, kValid, Activation::relu(), true, 4},
  };
  const std::vector<ConvCase> standard = {
      {ConvKind::Standard, {1, 17, 15, 3}, 8, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Standard, {3, 9, 7, 5}, 6, 3, 3, 1, 1, kSame, Activation::none()},
      {ConvKind::Standard, {2, 8, 8, 4}, 13, 2, 2, 2, 2, kValid, Activation::relu()},
      {ConvKind::Standard, {1, 15, 13, 3}, 8, 3, 3, 1, 1, kSame, Activation::relu6(), true, 2},
      {ConvKind::Standard, {2, 11, 9, 5}, 6, 3, 3, 2, 2, kValid, Activation::none(), true, 2},
  };
  const auto& caps = context().device().caps;
  size_t variants = 0;
  for (const auto& [kind, cases] : {std::pair{NodeKind::PointwiseConv, pointwise}, std::pair{NodeKind::DepthwiseConv, depthwise},
                                    std::pair{NodeKind::Conv2D, standard}}) {
    REQUIRE(kernelVariants(kind, KernelPath::Float).size() >= 2);
    for (const KernelVariant* v : kernelVariants(kind, KernelPath::Float)) {
      const bool half = v->build == KernelVariant::Build::Half || v->build == KernelVariant::Build::HalfAcc32;
      // lavapipe runs them all; the fp16-arithmetic ones only on fp16 tensors. Under a device
      // profile (the profile/ ctest entries) a variant the profile forbids must be refused by name.
      const std::string why16 = unsupportedReason(*v, caps, Precision::FP16);
      const std::string why32 = unsupportedReason(*v, caps, Precision::FP32);
      // A variant a known driver bug rules out (driverProblem: px8-oc32 on Mesa before 25's
      // llvmpipe) is refused by that reason, in both precisions.
      const std::string driverBug = driverProblem(*v, caps);
      if (!driverBug.empty()) {
        CHECK(why32 == driverBug);
        CHECK(why16 == driverBug);
      } else if (caps.profile.empty()) {
        REQUIRE(why16.empty());
        CHECK(why32.empty() == !half);
      }
      ++variants;
      for (const auto& c : cases) {
        if (!half) {
          if (why32.empty()) checkConv(c, rng, Precision::FP32, v);
          else CHECK_THROWS_WITH_AS(checkConv(c, rng, Precision::FP32, v), doctest::Contains(why32.c_str()), Error);
        }
        if (caps.storage16bit) {
          if (why16.empty()) checkConv(c, rng, Precision::FP16, v);
          else CHECK_THROWS_WITH_AS(checkConv(c, rng, Precision::FP16, v), doctest::Contains(why16.c_str()), Error);
        }
      }
    }
  }
  CHECK(variants >= 9);
  // A variant of another kind, or of the integer path, is refused by name.
  auto& g = InternalAccess::gpu(context());
  ConvDesc d;
  d.name = "test";
  d.inChannels = d.outChannels = 4;
  d.window = {1, 1, 1, 1, kValid};
  d.weights.assign(16, 0.5f);
  CHECK_THROWS_WITH_AS(PointwiseConv(g, d, Precision::FP32, kernelVariants(NodeKind::DepthwiseConv, KernelPath::Float)[0]),
                       doctest::Contains("is for DepthwiseConv"), Error);
  CHECK_THROWS_WITH_AS(PointwiseConv(g, d, Precision::FP32, kernelVariants(NodeKind::PointwiseConv, KernelPath::Integer)[0]),
                       doctest::Contains("(integer)"), Error);
  expectNoValidationMessages();
}

TEST_CASE("DepthwisePointwiseConv (the fused-pw kernel variants) matches the CPU reference: depthwise then pointwise") {
  std::mt19937 rng(3223);
  struct FusedCase {
    Shape in;
    int outC, k, stride;
    Padding pad;
    Activation dwAct, pwAct;
  };
  const std::vector<FusedCase> cases = {
      {{1, 14, 14, 512}, 512, 3, 1, kSame, Activation::relu6(), Activation::relu6()},  // MobileNet's conv_dw_7..11
      {{1, 14, 14, 512}, 1024, 3, 2, kSame, Activation::relu6(), Activation::relu6()},  // conv_dw_12: 14 -> 7
      {{1, 7, 7, 1024}, 1024, 3, 1, kSame, Activation::relu6(), Activation::relu6()},
      {{3, 7, 5, 13}, 6, 3, 2, kSame, Activation::relu(), Activation::none()},  // odd sizes, stride 2, batch 3
      {{2, 9, 11, 5}, 37, 3, 1, Padding::symmetric(1), Activation::none(), Activation::relu6()},
      {{1, 6, 6, 3}, 1, 5, 1, kValid, Activation::relu6(), Activation::none()},
      {{1, 1, 1, 7}, 9, 3, 1, kSame, Activation::relu6(), Activation::relu6()},
  };
  auto& g = InternalAccess::gpu(context());
  const auto& caps = context().device().caps;
  size_t variants = 0;
  for (const KernelVariant* v : kernelVariants(NodeKind::DepthwisePointwiseConv, KernelPath::Float)) {
    ++variants;
    for (const FusedCase& c : cases)
      for (Precision precision : {Precision::FP32, Precision::FP16}) {
        if (precision == Precision::FP16 && !caps.storage16bit) continue;
        CAPTURE(v->name);
        CAPTURE(c.in.str());
        CAPTURE(c.outC);
        CAPTURE(precision == Precision::FP16);
        ConvDesc dw, pw;
        dw.name = "dw";
        dw.inChannels = dw.outChannels = c.in.c;
        dw.window = {c.k, c.k, c.stride, c.stride, c.pad};
        dw.activation = c.dwAct;
        dw.weights = randomVector(size_t(c.k) * c.k * c.in.c, rng);
        dw.bias = randomVector(size_t(c.in.c), rng);
        pw.name = "pw";
        pw.inChannels = c.in.c;
        pw.outChannels = c.outC;
        pw.window = {1, 1, 1, 1, kValid};
        pw.activation = c.pwAct;
        pw.weights = randomVector(size_t(c.outC) * c.in.c, rng);
        pw.bias = randomVector(size_t(c.outC), rng);
        const HostTensor in = randomTensor(c.in, rng);
        const HostTensor ref = cpu::pointwiseConv(cpu::depthwiseConv(in, dw), pw);
        // The bound of the two sums in a row (clamps only shrink errors): fp32 summation over both
        // sums' terms on the all-magnitudes reference; with fp16 tensors, rounding of the input,
        // both weights, the depthwise output (the fused kernel rounds it as the separate store
        // would) and the output: 5 roundings, 6.01 u.
        const HostTensor absRef = cpu::pointwiseConv(cpu::depthwiseConv(absTensor(in), absDesc(dw)), absDesc(pw));
        const double terms = double(c.k) * c.k + c.in.c;
        std::vector<float> tol(absRef.data.size());
        const double bound = fp32Gamma(2.0 * terms + 2.0) + (precision == Precision::FP16 ? 6.01 * kHalfU : 0.0);
        for (size_t i = 0; i < tol.size(); ++i) tol[i] = float(bound * absRef.data[i] + 1e-7);
        DepthwisePointwiseConv op(g, PackedWeights::create(g, dw, ConvKind::Depthwise, precision),
                                  PackedWeights::create(g, pw, ConvKind::Pointwise, precision), v);
        const HostTensor gpu = runGpu(op, in, precision);
        REQUIRE(gpu.shape == ref.shape);
        recordError(std::string("DepthwisePointwiseConv") + (precision == Precision::FP16 ? " fp16" : ""),
                    expectClose(gpu, ref, tol, v->name));
      }
  }
  CHECK(variants >= 2);
  // The separate depthwise op refuses a fused variant (the fused kind's own), and the fused op a
  // plain one, by name.
  ConvDesc dw;
  dw.name = "dw";
  dw.inChannels = dw.outChannels = 4;
  dw.window = {3, 3, 1, 1, kSame};
  dw.weights.assign(36, 0.5f);
  const KernelVariant* fused = findKernelVariant(NodeKind::DepthwisePointwiseConv, KernelPath::Float, "fused-pw-px4-oc8");
  REQUIRE(fused);
  CHECK_THROWS_WITH_AS(DepthwiseConv(g, dw, Precision::FP32, fused), doctest::Contains("is for DepthwisePointwiseConv"), Error);
  ConvDesc pw;
  pw.name = "pw";
  pw.inChannels = 5;
  pw.outChannels = 4;
  pw.window = {1, 1, 1, 1, kValid};
  pw.weights.assign(20, 0.5f);
  const auto dwPacked = PackedWeights::create(g, dw, ConvKind::Depthwise, Precision::FP32);
  CHECK_THROWS_WITH_AS(DepthwisePointwiseConv(g, dwPacked, PackedWeights::create(g, pw, ConvKind::Pointwise, Precision::FP32), fused),
                       doctest::Contains("does not follow 'dw'"), Error);
  pw.inChannels = 4;
  pw.weights.assign(16, 0.5f);
  CHECK_THROWS_WITH_AS(DepthwisePointwiseConv(g, dwPacked, PackedWeights::create(g, pw, ConvKind::Pointwise, Precision::FP32),
                                              kernelVariants(NodeKind::DepthwiseConv, KernelPath::Float)[0]),
                       doctest::Contains("is for DepthwiseConv"), Error);
  expectNoValidationMessages();
}

TEST_CASE("FullyConnected matches the CPU reference") {
  std::mt19937 rng(4004);
  std::vector<ConvCase> cases = {
      {ConvKind::FullyConnected, {1, 1, 1, 1024}, 1001, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::FullyConnected, {3, 1, 1, 256}, 2, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::FullyConnected, {2, 1, 1, 5}, 3, 1, 1, 1, 1, kValid, Activation::relu6()},
      {ConvKind::FullyConnected, {1, 1, 1, 3}, 7, 1, 1, 1, 1, kValid, Activation::relu(), false},
  };
  for (const auto& c : cases) checkConv(c, rng);
}

TEST_CASE("GlobalAvgPool matches the CPU reference") {
  std::mt19937 rng(5005);
  const Shape shapes[] = {{1, 7, 7, 1024}, {3, 5, 3, 5}, {1, 112, 112, 3}, {2, 1, 1, 7}, {1, 4, 9, 13}};
  for (const auto& s : shapes) {
    CAPTURE(s.str());
    const HostTensor in = randomTensor(s, rng);
    GlobalAvgPool op(InternalAccess::gpu(context()));
    const HostTensor gpu = runGpu(op, in);
    const HostTensor ref = cpu::globalAvgPool(in);
    // Summation bound over H*W terms plus the division's rounding.
    const double err = expectClose(gpu, ref, summationTolerance(cpu::globalAvgPool(absTensor(in)), double(s.h) * s.w),
                                   "GlobalAvgPool " + s.str());
    recordError("GlobalAvgPool", err);
  }
}

TEST_CASE("MaxPool2D matches the CPU reference exactly, in fp32 and fp16 storage") {
  // A max is one of its inputs, so nothing rounds: fp32 must be bit-exact, and so must fp16 once
  // the input is rounded to fp16 (the value the GPU stores), since the max of fp16 values and the
  // ReLU6 bounds are fp16 values too.
  std::mt19937 rng(9009);
  struct Case {
    Shape s;
    int kH, kW, strideY, strideX;
    Padding padding;
    Activation activation;
  };
  const Case cases[] = {
      {{1, 112, 112, 64}, 3, 3, 2, 2, kSame, Activation::none()},  // the classic 3x3/s2 stem pool
      {{3, 9, 7, 5}, 3, 3, 2, 2, kSame, Activation::relu6()},      // batch 3, stride 2 on odd sizes, 5 channels
      {{1, 8, 8, 3}, 2, 2, 2, 2, kValid, Activation::none()},
      {{2, 5, 11, 13}, 3, 2, 1, 2, kSame, Activation::relu()},     // unequal window and strides
      {{1, 1, 1, 6}, 3, 3, 1, 1, kSame, Activation::none()},       // window larger than the input
      {{1, 7, 7, 4}, 7, 7, 1, 1, kValid, Activation::none()},
  };
  const bool fp16 = fp16StorageOrRefused();
  for (const Precision precision : {Precision::FP32, Precision::FP16})
    for (const auto& c : cases) {
      if (precision == Precision::FP16 && !fp16) break;
      CAPTURE(c.s.str());
      CAPTURE(int(precision));
      Node node;
      node.kind = NodeKind::MaxPool2D;
      node.name = "pool";
      node.params = PoolParams{{c.kH, c.kW, c.strideY, c.strideX, c.padding}, c.activation};
      HostTensor in = randomTensor(c.s, rng, -8.0f, 8.0f);
      if (precision == Precision::FP16)
        for (auto& v : in.data) v = halfToFloat(floatToHalf(v));
      const auto op = makeGpuOp(InternalAccess::gpu(context()), node, precision, nullptr);
      const HostTensor gpu = runGpu(*op, in, precision);
      const HostTensor ref = cpu::runMaxPool2D(node, {&in});
      CHECK(gpu.shape == ref.shape);
      recordError(precision == Precision::FP16 ? "MaxPool2D fp16" : "MaxPool2D",
                  expectClose(gpu, ref, std::vector<float>(ref.data.size(), 0.0f), "MaxPool2D " + c.s.str()));
    }
}

TEST_CASE("MAX_POOL_2D from a TFLite file: importer, network and reference agree with a hand-computed max") {
  const auto bytes = tinyTflite(17, true);  // [1,4,4,3] -> 2x2/s2 VALID -> [1,2,2,3]
  const Model model = Model::fromTflite(bytes.data(), bytes.size(), "maxpool");
  REQUIRE(model.layers().size() == 1);
  CHECK(model.layers()[0].type == "MaxPool2D");
  std::mt19937 rng(9010);
  const HostTensor in = randomTensor({1, 4, 4, 3}, rng);
  HostTensor expected({1, 2, 2, 3});
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int ch = 0; ch < 3; ++ch)
        expected.at(0, y, x, ch) = std::max(std::max(in.at(0, 2 * y, 2 * x, ch), in.at(0, 2 * y, 2 * x + 1, ch)),
                                            std::max(in.at(0, 2 * y + 1, 2 * x, ch), in.at(0, 2 * y + 1, 2 * x + 1, ch)));
  CHECK(runReference(model, in).data == expected.data);
  Network net(context(), model);
  CHECK(net.run(in).data == expected.data);
  expectNoValidationMessages();
}

TEST_CASE("Softmax matches the CPU reference") {
  std::mt19937 rng(6006);
  struct Case {
    Shape s;
    float range;
  };
  const Case cases[] = {{{1, 1, 1, 1000}, 8.0f}, {{1, 1, 1, 1001}, 8.0f}, {{3, 1, 1, 5}, 4.0f},
                        {{2, 3, 4, 7}, 4.0f},    {{1, 1, 1, 1}, 4.0f},    {{1, 1, 1, 6}, 80.0f}};
  for (const auto& c : cases) {
    CAPTURE(c.s.str());
    const HostTensor in = randomTensor(c.s, rng, -c.range, c.range);
    Softmax op(InternalAccess::gpu(context()));
    const HostTensor gpu = runGpu(op, in);
    const HostTensor ref = cpu::softmax(in);
    // Vulkan guarantees exp() to (3 + 2|x|) ULP; |x - max| <= 2 * range here, so each exp is within
    // (3 + 4 * range) * 2^-24 relative, and the sum and the division add ~1e-7. 2x that bound, plus
    // an absolute floor for probabilities that underflow to ~0.
    std::vector<float> tol(ref.data.size());
    const double rel = 2.0 * ((3.0 + 4.0 * c.range) * std::ldexp(1.0, -24) * 2.0 + 1e-6);
    for (size_t i = 0; i < tol.size(); ++i) tol[i] = float(rel * ref.data[i] + 1e-7);
    recordError("Softmax", expectClose(gpu, ref, tol, "Softmax " + c.s.str()));
    // Each pixel's probabilities sum to 1.
    for (int n = 0; n < c.s.n; ++n)
      for (int y = 0; y < c.s.h; ++y)
        for (int x = 0; x < c.s.w; ++x) {
          double sum = 0;
          for (int ch = 0; ch < c.s.c; ++ch) sum += gpu.at(n, y, x, ch);
          CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
        }
  }
}

TEST_CASE("bad shapes and weights are refused with messages naming the problem") {
  auto& g = InternalAccess::gpu(context());
  std::mt19937 rng(7007);
  auto conv = [&](int in, int out, int k) {
    ConvDesc d;
    d.name = "bad";
    d.inChannels = in;
    d.outChannels = out;
    d.window = {k, k, 1, 1, kValid};
    d.weights = randomVector(size_t(out) * k * k * in, rng);
    return d;
  };
  auto throwsWith = [](auto&& f, const std::string& needle) {
    try {
      f();
    } catch (const Error& e) {
      const std::string msg = e.what();
      CHECK_MESSAGE(msg.find(needle) != std::string::npos, "message '" << msg << "' lacks '" << needle << "'");
      return;
    }
    FAIL_CHECK("no error thrown; expected one mentioning '" << needle << "'");
  };

  Conv2D c3(g, conv(3, 8, 3));
  throwsWith([&] { c3.outputShape({1, 8, 8, 4}); }, "has 4 channels, weights expect 3");
  throwsWith([&] { c3.outputShape({1, 2, 8, 3}); }, "kernel height 3 is larger than the padded input height 2");
  throwsWith([&] { c3.outputShape({0, 8, 8, 3}); }, "non-positive");
  auto wrongCount = conv(3, 8, 3);
  wrongCount.weights.pop_back();
  throwsWith([&] { Conv2D op(g, wrongCount); }, "215 weights, expected 216");
  auto badBias = conv(3, 8, 3);
  badBias.bias = {1.0f, 2.0f};
  throwsWith([&] { Conv2D op(g, badBias); }, "2 bias values, expected 8");
  auto negPad = conv(3, 8, 3);
  negPad.window.padding = Padding::explicitPads(-1, 0, 0, 0);
  throwsWith([&] { Conv2D(g, negPad).outputShape({1, 8, 8, 3}); }, "negative padding");

  ConvDesc dw = conv(4, 4, 3);
  dw.weights = randomVector(3 * 3 * 4, rng);
  dw.outChannels = 5;
  throwsWith([&] { DepthwiseConv op(g, dw); }, "channel multiplier 1");

  ConvDesc fc = conv(16, 10, 1);
  FullyConnected fcOp(g, fc);
  throwsWith([&] { fcOp.outputShape({1, 2, 2, 16}); }, "must be 1x1 spatially");

  ConvDesc pw = conv(8, 8, 3);
  throwsWith([&] { PointwiseConv op(g, pw); }, "must be 1x1, stride 1, unpadded");

  // An output buffer too small for the op's result is caught at bind time, before any GPU work.
  PointwiseConv ok(g, conv(8, 8, 1));
  Buffer small(g, 64, MemoryUsage::Device, "small");
  Buffer input(g, deviceTensorBytes({1, 4, 4, 8}), MemoryUsage::Device, "input");
  throwsWith([&] { ok.bindStandalone(input, small, {1, 4, 4, 8}); }, "too small");
  throwsWith([&] { ok.record(VK_NULL_HANDLE); }, "record() before bind()");
  expectNoValidationMessages();
}

TEST_CASE("fp16 storage variants match the CPU reference within fp16 rounding") {
  if (!fp16StorageOrRefused()) return;
  std::mt19937 rng(8008);
  const Precision fp16 = Precision::FP16;
  const std::vector<ConvCase> fixed = {
      {ConvKind::Standard, {1, 224, 224, 3}, 32, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Standard, {3, 9, 11, 5}, 24, 3, 3, 2, 2, kSame, Activation::relu()},
      {ConvKind::Depthwise, {1, 112, 112, 64}, 0, 3, 3, 2, 2, kSame, Activation::relu6()},
      {ConvKind::Depthwise, {3, 15, 7, 5}, 0, 3, 3, 1, 1, kSame, Activation::none()},
      {ConvKind::Pointwise, {1, 7, 7, 1024}, 1024, 1, 1, 1, 1, kValid, Activation::relu6()},
      {ConvKind::Pointwise, {3, 7, 5, 24}, 13, 1, 1, 1, 1, kValid, Activation::none()},
      {ConvKind::FullyConnected, {2, 1, 1, 1024}, 1001, 1, 1, 1, 1, kValid, Activation::none()},
  };
  for (const auto& c : fixed) checkConv(c, rng, fp16);
  for (auto kind : {ConvKind::Standard, ConvKind::Depthwise})
    for (const auto& c : randomWindowCases(kind, 8, rng)) checkConv(c, rng, fp16);

  for (const Shape s : {Shape{1, 7, 7, 1024}, Shape{3, 5, 3, 5}}) {
    const HostTensor in = randomTensor(s, rng);
    GlobalAvgPool op(InternalAccess::gpu(context()), fp16);
    const HostTensor gpu = runGpu(op, in, fp16);
    // Input and output each rounded once to fp16.
    std::vector<float> tol = summationTolerance(cpu::globalAvgPool(absTensor(in)), double(s.h) * s.w, fp16);
    recordError("GlobalAvgPool fp16", expectClose(gpu, cpu::globalAvgPool(in), tol, "GlobalAvgPool fp16 " + s.str()));
  }
  for (const Shape s : {Shape{1, 1, 1, 1001}, Shape{3, 1, 1, 5}}) {
    const float range = 4.0f;
    const HostTensor in = randomTensor(s, rng, -range, range);
    Softmax op(InternalAccess::gpu(context()), fp16);
    const HostTensor gpu = runGpu(op, in, fp16);
    const HostTensor ref = cpu::softmax(in);
    // Rounding x to fp16 moves exp(x - max) by up to |x - max| u <= 2 range u for each of the two
    // terms involved, plus one rounding of the output: (4 range + 1) u relative, doubled for margin.
    std::vector<float> tol(ref.data.size());
    for (size_t i = 0; i < tol.size(); ++i) tol[i] = float(2.0 * (4.0 * range + 1.0) * kHalfU * ref.data[i] + 1e-6);
    recordError("Softmax fp16", expectClose(gpu, ref, tol, "Softmax fp16 " + s.str()));
  }
}

TEST_CASE("dilated convolution: the CPU reference equals the undilated one with zeros between the taps; TF SAME padding of the span") {
  std::mt19937 rng(24001);
  for (ConvKind kind : {ConvKind::Depthwise, ConvKind::Standard})
    for (int dilation : {2, 3})
      for (int stride : {1, 2}) {
        ConvDesc d;
        d.name = "dilated";
        d.inChannels = 5;
        d.outChannels = kind == ConvKind::Depthwise ? 5 : 3;
        d.window = {3, 3, stride, stride, Padding::same()};
        d.window.dilationY = d.window.dilationX = dilation;
        const size_t perTap = kind == ConvKind::Depthwise ? 5 : size_t(5);
        d.weights = randomVector(kind == ConvKind::Depthwise ? 9 * perTap : size_t(d.outChannels) * 9 * 5, rng);
        d.bias = randomVector(size_t(d.outChannels), rng);
        // The same taps in a span x span kernel with zeros between them, undilated.
        const int span = 2 * dilation + 1;
        ConvDesc wide = d;
        wide.window = {span, span, stride, stride, Padding::same()};
        const int outs = kind == ConvKind::Depthwise ? 1 : d.outChannels;
        const size_t c = 5;
        wide.weights.assign(size_t(outs) * span * span * c, 0.0f);
        for (int o = 0; o < outs; ++o)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx)
              for (size_t ch = 0; ch < c; ++ch)
                wide.weights[((size_t(o) * span + ky * dilation) * span + kx * dilation) * c + ch] =
                    d.weights[((size_t(o) * 3 + ky) * 3 + kx) * c + ch];
        const HostTensor in = randomTensor({2, 13, 10, 5}, rng);
        const HostTensor a = kind == ConvKind::Depthwise ? cpu::depthwiseConv(in, d) : cpu::conv2d(in, d);
        const HostTensor b = kind == ConvKind::Depthwise ? cpu::depthwiseConv(in, wide) : cpu::conv2d(in, wide);
        CAPTURE(dilation);
        CAPTURE(stride);
        REQUIRE(a.shape == b.shape);
        CHECK(a.shape.h == (13 + stride - 1) / stride);  // SAME: ceil(in / stride), whatever the span
        CHECK(a.data == b.data);  // exact: the zeros add nothing to a double sum
        // TFLite's SAME padding of the span: total (out - 1) * stride + span - in, the extra after.
        const WindowGeometry g = resolveWindow("dilated", in.shape, d.window);
        const int total = std::max((g.outH - 1) * stride + span - 13, 0);
        CHECK(g.padTop == total / 2);
        CHECK(g.padBottom == total - total / 2);
      }
  // Refused: a non-positive dilation, naming it.
  WindowParams w{3, 3, 1, 1, Padding::same()};
  w.dilationX = 0;
  CHECK_THROWS_WITH_AS(resolveWindow("op", {1, 5, 5, 1}, w), doctest::Contains("dilation"), Error);
}
