#pragma once
// The GPU side of the op table (graph/op_table.cpp holds the description side): which op class
// records each node kind.
#include <memory>

#include "graph/graph.h"
#include "ops/op.h"

namespace mobilevk {

// `weights`: the node's packed weights (shared across frames), null for weightless kinds.
std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision,
                                 const std::shared_ptr<const PackedWeights>& weights);

}  // namespace mobilevk
