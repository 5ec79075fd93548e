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
  // With `residual`, the op runs a PointwiseConvAdd node (graph/passes.h; the _residual builds):
  // out = clamp(conv + skip) with the ADD's clamp, the skip tensor bound as the binding's second
  // input.
  PointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant = nullptr,
                std::optional<Activation> residual = std::nullopt);
  const char* kind() const override { return residual_ ? "PointwiseConv + Add" : "PointwiseConv"; }
  void bind(const OpBinding& binding) override;

 private:
  uint32_t workgroup_[2] = {8, 8};  // SharedTiles variants: the workgroup (its width the subgroup size)
  std::optional<Activation> residual_;
};

}  // namespace mobilevk
