#pragma once
#include "ops/op.h"

namespace mobilevk {

// Softmax across channels, for every pixel of every batch item.
class Softmax : public GpuOp {
 public:
  explicit Softmax(Gpu& gpu, Precision precision = Precision::FP32);
  const char* kind() const override { return "Softmax"; }
  Shape outputShape(const Shape& input) const override;
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
