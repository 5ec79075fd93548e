#pragma once
// Graph -> Graph passes a Network runs before planning (the Model keeps the graph as imported).
// Each merges a node with the node that alone consumes its output (which is no graph output) into
// one node of a fused kind (graph/op_list.h); the value between them goes. A merged node lists
// the imported nodes it does the work of (Node::sources). No pass changes a result: integers bit
// for bit, floats within the op tolerances (see each).
#include <functional>
#include <memory>

#include "graph/graph.h"

namespace mobilevk {

// A Clamp (a standalone RELU, RELU6, RELU_N1_TO_1; Keras ReLU and Activation layers) folded into
// the node producing its input, where that node takes a clamp (a conv-like layer, MAX_POOL_2D, ADD)
// and the Clamp alone reads it, on one grid in a quantized file: the producer's clamp narrows.
// Exact: clamping twice is clamping to the intersection. Run when a graph becomes a Model.
std::shared_ptr<Graph> foldActivations(const Graph& graph);

// DepthwiseConv + the PointwiseConv reading its output -> DepthwisePointwiseConv, for the pairs
// `choose` takes (a tuning decision: the fused kernel wins only on some maps and devices). Float
// only: the fused kernels keep the depthwise result in registers instead of storing it.
std::shared_ptr<const Graph> fuseDepthwisePointwise(const Graph& graph, const std::function<bool(NodeId depthwise, NodeId pointwise)>& choose);

// PointwiseConv + the residual ADD reading its output -> PointwiseConvAdd (the ADD as the conv's
// epilogue), wherever it applies: the ADD then costs no dispatch or memory pass of its own. Integers:
// the conv's requantized result and the skip tensor go through the same XNNPACK ADD; fp32: the
// conv's result is added exactly as it would have been stored; fp16 storage skips one rounding.
std::shared_ptr<const Graph> fuseResidualAdds(const Graph& graph);

// The imported nodes node `n` of a graph made by these passes does the work of (itself, for a node
// no pass merged).
std::vector<NodeId> sourcesOf(const Graph& graph, NodeId n);

}  // namespace mobilevk
