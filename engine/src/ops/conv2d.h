#pragma once
#include "ops/op.h"

namespace mobilevk {

// Standard convolution (any kernel, stride, padding) with fused bias and activation.
// The 3x3/s2 3->32 stem of MobileNet is the case that matters.
class Conv2D : public WeightedOp {
 public:
  // `variant`: a Conv2D float kernel variant (ops/kernel_variants.h); null: the device's default.
  Conv2D(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32, const KernelVariant* variant = nullptr);
  Conv2D(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant = nullptr);
  const char* kind() const override { return "Conv2D"; }
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
