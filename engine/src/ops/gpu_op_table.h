#pragma once
// The GPU side of the op table (graph/op_table.cpp holds the description side): which op class
// records each node kind. Each op file defines the factory its row of graph/op_list.h promises.
#include <memory>

#include "graph/graph.h"
#include "ops/kernel_variants.h"
#include "ops/op.h"

namespace mobilevk {

// `weights`: the node's packed weights (shared across frames), null for weightless kinds.
// `variant`: the kernel variant to run (ops/kernel_variants.h) for kinds that have them; null
// means the device's default.
std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision,
                                 const std::shared_ptr<const PackedWeights>& weights,
                                 const KernelVariant* variant = nullptr);

struct IntegerWeights;
// The integer variant (ops/integer_op.h); `weights` null for weightless kinds.
std::unique_ptr<GpuOp> makeIntegerGpuOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                        const KernelVariant* variant = nullptr);

#define MVK_GPU_FACTORY(kind, ...)                                       \
  std::unique_ptr<GpuOp> makeGpuOp##kind(Gpu& gpu, const Node& node, Precision precision, \
                                         const std::shared_ptr<const PackedWeights>& packed, const KernelVariant* variant);
MVK_OP_KINDS(MVK_GPU_FACTORY)
#undef MVK_GPU_FACTORY
#define MVK_INTEGER_GPU_FACTORY(kind, ...) \
  std::unique_ptr<GpuOp> makeIntegerGpuOp##kind(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& packed, \
                                                const KernelVariant* variant);
MVK_OP_KINDS(MVK_INTEGER_GPU_FACTORY)
#undef MVK_INTEGER_GPU_FACTORY

}  // namespace mobilevk
