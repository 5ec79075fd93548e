#pragma once
#include "ops/op.h"

namespace mobilevk {

// Elementwise ADD of two tensors of one shape with a fused activation clamp (MobileNetV2's
// residual connections). Binding 2 is the second input.
class Add : public GpuOp {
 public:
  Add(Gpu& gpu, const Activation& activation, Precision precision = Precision::FP32);
  const char* kind() const override { return "Add"; }
  Shape outputShape(const Shape& input) const override { return input; }
  void bind(const OpBinding& binding) override;

 private:
  Activation activation_;
};

}  // namespace mobilevk
