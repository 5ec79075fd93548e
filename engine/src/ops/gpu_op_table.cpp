#include "ops/gpu_op_table.h"

#include "mobilevk/error.h"

namespace mobilevk {

namespace {

using Factory = std::unique_ptr<GpuOp> (*)(Gpu&, const GpuOpRequest&);

// In NodeKind order (both come from graph/op_list.h).
const Factory kFactories[] = {
#define MVK_FACTORY(kind, ...) &makeGpuOp##kind,
    MVK_OP_KINDS(MVK_FACTORY)
#undef MVK_FACTORY
};
static_assert(sizeof(kFactories) / sizeof(kFactories[0]) == kNodeKindCount, "one GPU factory per NodeKind");

}  // namespace

std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const GpuOpRequest& request) {
  const size_t i = size_t(request.node.kind);
  if (i >= kNodeKindCount) throw Error(ErrorCode::Internal, "no GPU op for node kind " + std::to_string(i));
  return kFactories[i](gpu, request);
}

std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision,
                                 const std::shared_ptr<const PackedWeights>& weights, const KernelVariant* variant) {
  GpuOpRequest r{node};
  r.precision = precision;
  if (weights) r.weights = {weights};
  r.variant = variant;
  return makeGpuOp(gpu, r);
}

std::unique_ptr<GpuOp> makeIntegerGpuOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                        const KernelVariant* variant) {
  GpuOpRequest r{node};
  r.integer = true;
  r.integerWeights = weights;
  r.variant = variant;
  return makeGpuOp(gpu, r);
}

}  // namespace mobilevk
