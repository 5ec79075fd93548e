#pragma once
// The GPU side of the op table (graph/op_table.cpp holds the description side): which op class
// records each node kind. Each op file defines the factory its row of graph/op_list.h promises.
#include <memory>
#include <vector>

#include "graph/graph.h"
#include "ops/kernel_variants.h"
#include "ops/op.h"

namespace mobilevk {

struct IntegerWeights;

// What a GPU op of a node is made from, float or integer alike.
struct GpuOpRequest {
  const Node& node;
  bool integer = false;                     // integer execution (ops/integer_op.h)
  Precision precision = Precision::FP32;    // float execution's storage
  // Float: the packed weights of each weighted layer of the node (two for DepthwisePointwiseConv),
  // shared across frames; empty for weightless kinds.
  std::vector<std::shared_ptr<const PackedWeights>> weights;
  std::shared_ptr<const IntegerWeights> integerWeights;  // integer: the node's, or null
  // The kernel variant to run (ops/kernel_variants.h) for kinds that have them; null means the
  // device's default.
  const KernelVariant* variant = nullptr;
};

// The op of the node's kind (graph/op_list.h): one factory per row.
std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const GpuOpRequest& request);
// Shorthands for one layer's op, float and integer (tests, tools).
std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision,
                                 const std::shared_ptr<const PackedWeights>& weights,
                                 const KernelVariant* variant = nullptr);
std::unique_ptr<GpuOp> makeIntegerGpuOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                        const KernelVariant* variant = nullptr);

#define MVK_GPU_FACTORY(kind, ...) std::unique_ptr<GpuOp> makeGpuOp##kind(Gpu& gpu, const GpuOpRequest& request);
MVK_OP_KINDS(MVK_GPU_FACTORY)
#undef MVK_GPU_FACTORY

}  // namespace mobilevk
