#pragma once
#include "ops/op.h"

namespace mobilevk {

// Depthwise convolution (one filter per channel; any kernel, stride, padding), fused bias and activation.
class DepthwiseConv : public WeightedOp {
 public:
  // `variant`: a DepthwiseConv float kernel variant (ops/kernel_variants.h); null: the device's default.
  DepthwiseConv(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32, const KernelVariant* variant = nullptr);
  DepthwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant = nullptr);
  const char* kind() const override { return "DepthwiseConv"; }
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
