#pragma once
#include <optional>

#include "graph/graph.h"
#include "ops/op.h"

namespace mobilevk {

// Pointwise (1x1, stride 1) convolution: a GEMM of pixels x input channels by input x output
// channels, with fused bias and activation. ~95% of MobileNet's multiply-adds.
class PointwiseConv : public WeightedOp {
 public:
  // `variant`: a PointwiseConv float kernel variant (ops/kernel_variants.h); null: the device's default.
  PointwiseConv(Gpu& gpu, ConvDesc desc, Precision precision = Precision::FP32, const KernelVariant* variant = nullptr);
  // With `residual`, the op also does the residual ADD that alone consumes its output (the _residual
  // builds): out = clamp(conv + skip) with the ADD's clamp, the skip tensor bound as the binding's
  // second input, the ADD's output as its output.
  PointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant = nullptr,
                std::optional<Activation> residual = std::nullopt);
  const char* kind() const override { return residual_ ? "PointwiseConv + Add" : "PointwiseConv"; }
  void bind(const OpBinding& binding) override;

 private:
  uint32_t workgroup_[2] = {8, 8};  // SharedTiles variants: the workgroup (its width the subgroup size)
  std::optional<Activation> residual_;
};

struct IntegerWeights;

// The integer op of a PointwiseConv node (also runs FullyConnected); with `residualAdd`, the ADD
// node that alone consumes its output runs in the same dispatch (its grids and activation range
// from that node).
std::unique_ptr<GpuOp> makeIntegerPointwiseConv(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                                const KernelVariant* variant, const Node* residualAdd);

}  // namespace mobilevk
