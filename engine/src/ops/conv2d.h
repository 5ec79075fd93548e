#pragma once
#include "ops/op.h"

namespace mobilevk {

// Standard convolution (any kernel, stride, padding) with fused bias and activation.
// The 3x3/s2 3->32 stem of MobileNet is the case that matters.
class Conv2D : public WeightedOp {
 public:
  Conv2D(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32);
  Conv2D(Gpu& gpu, std::shared_ptr<const PackedWeights> weights);
  const char* kind() const override { return "Conv2D"; }
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
