#include "ops/gpu_op_table.h"

#include "mobilevk/error.h"

namespace mobilevk {

namespace {

using Factory = std::unique_ptr<GpuOp> (*)(Gpu&, const Node&, Precision, const std::shared_ptr<const PackedWeights>&,
                                          const KernelVariant*);

// In NodeKind order (both come from graph/op_list.h).
const Factory kFactories[] = {
#define MVK_FACTORY(kind, ...) &makeGpuOp##kind,
    MVK_OP_KINDS(MVK_FACTORY)
#undef MVK_FACTORY
};
static_assert(sizeof(kFactories) / sizeof(kFactories[0]) == kNodeKindCount, "one GPU factory per NodeKind");

using IntegerFactory = std::unique_ptr<GpuOp> (*)(Gpu&, const Node&, const std::shared_ptr<const IntegerWeights>&,
                                                 const KernelVariant*);
const IntegerFactory kIntegerFactories[] = {
#define MVK_INTEGER_FACTORY(kind, ...) &makeIntegerGpuOp##kind,
    MVK_OP_KINDS(MVK_INTEGER_FACTORY)
#undef MVK_INTEGER_FACTORY
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision,
                                 const std::shared_ptr<const PackedWeights>& weights, const KernelVariant* variant) {
  const size_t i = size_t(node.kind);
  if (i >= kNodeKindCount) throw Error(ErrorCode::Internal, "no GPU op for node kind " + std::to_string(i));
  return kFactories[i](gpu, node, precision, weights, variant);
}

std::unique_ptr<GpuOp> makeIntegerGpuOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                        const KernelVariant* variant) {
  const size_t i = size_t(node.kind);
  if (i >= kNodeKindCount) throw Error(ErrorCode::Internal, "no integer GPU op for node kind " + std::to_string(i));
  return kIntegerFactories[i](gpu, node, weights, variant);
}

}  // namespace mobilevk
