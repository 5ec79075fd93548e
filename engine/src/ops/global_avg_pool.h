#pragma once
#include "ops/op.h"

namespace mobilevk {

// Global average pooling: [N,H,W,C] -> [N,1,1,C].
class GlobalAvgPool : public GpuOp {
 public:
  explicit GlobalAvgPool(Gpu& gpu, Precision precision = Precision::FP32);
  const char* kind() const override { return "GlobalAvgPool"; }
  Shape outputShape(const Shape& input) const override;
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
