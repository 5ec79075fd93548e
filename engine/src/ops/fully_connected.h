#pragma once
#include "ops/op.h"

namespace mobilevk {

// Fully connected layer on a 1x1 map (after global pooling): [N,1,1,in] -> [N,1,1,out],
// fused bias and activation. A larger map is refused rather than flattened in a layout the
// source framework may not have meant.
class FullyConnected : public WeightedOp {
 public:
  FullyConnected(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32);
  FullyConnected(Gpu& gpu, std::shared_ptr<const PackedWeights> weights);
  const char* kind() const override { return "FullyConnected"; }
  void bind(const OpBinding& binding) override;
};

}  // namespace mobilevk
