#pragma once
#include "ops/op.h"

namespace mobilevk {

// Depthwise convolution (one filter per channel; any kernel, stride, padding), fused bias and activation.
class DepthwiseConv : public WeightedOp {
 public:
  DepthwiseConv(Gpu& gpu, ConvDesc desc);
  const char* kind() const override { return "DepthwiseConv"; }
  Shape outputShape(const Shape& input) const override;
  void bind(const Buffer& input, const Buffer& output, const Shape& inputShape) override;
};

}  // namespace mobilevk
