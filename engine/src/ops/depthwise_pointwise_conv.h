#pragma once
#include "ops/op.h"

namespace mobilevk {

// A depthwise convolution and the pointwise convolution after it in one dispatch
// (shaders/depthwise_pointwise_conv.comp): the DepthwiseConv kernel variants that fuse
// (KernelVariant::Build::FusedPointwise). Input: the depthwise layer's; output: the pointwise layer's.
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
