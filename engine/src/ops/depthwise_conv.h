#pragma once
#include "ops/op.h"

namespace mobilevk {

// Depthwise convolution (one filter per channel; any kernel, stride, padding), fused bias and activation.
class DepthwiseConv : public WeightedOp {
 public:
  DepthwiseConv(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32);
  DepthwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights);
  const char* kind() const override { return "DepthwiseConv"; }
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
