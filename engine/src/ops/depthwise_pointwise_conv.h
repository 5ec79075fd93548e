#pragma once
#include "ops/op.h"

namespace mobilevk {

// A DepthwisePointwiseConv node (graph/passes.h): a depthwise convolution and the pointwise
// convolution reading its output in one dispatch (shaders/depthwise_pointwise_conv.comp), with the
// kind's own kernel variants. Input: the depthwise layer's; output: the pointwise layer's.
class DepthwisePointwiseConv : public GpuOp {
 public:
  DepthwisePointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> depthwise,
                         std::shared_ptr<const PackedWeights> pointwise, const KernelVariant* variant);
  const char* kind() const override { return "DepthwiseConv+PointwiseConv"; }
  Shape outputShape(const Shape& input) const override;
  WindowGeometry window(const Shape& input) const override;
  void bind(const OpBinding& binding) override;

 private:
  std::shared_ptr<const PackedWeights> dw_, pw_;
};

}  // namespace mobilevk
