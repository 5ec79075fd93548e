// The fused kinds (graph/passes.h) compose their layers' references: the same numbers as the
// unfused graph, by construction.
#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
const Node::SecondLayer& secondOf(const Node& node) {
  if (!node.second) throw Error(ErrorCode::Internal, std::string(nodeKindName(node.kind)) + " '" + node.name + "' has no second layer");
  return *node.second;
}
}  // namespace

HostTensor runDepthwisePointwiseConv(const Node& node, const HostInputs& inputs) {
  return pointwiseConv(depthwiseConv(*inputs.at(0), node.conv()), secondOf(node).pointwise);
}

QuantizedTensor runIntegerDepthwisePointwiseConv(const Node& node, const QuantizedInputs&) {
  throw Error(ErrorCode::Unsupported, "DepthwisePointwiseConv '" + node.name + "' runs in floats only (its kernels are float)");
}

HostTensor runPointwiseConvAdd(const Node& node, const HostInputs& inputs) {
  return add(pointwiseConv(*inputs.at(0), node.conv()), *inputs.at(1), secondOf(node).residual.activation);
}

QuantizedTensor runIntegerPointwiseConvAdd(const Node& node, const QuantizedInputs& inputs) {
  const Node::SecondLayer& add = secondOf(node);
  Node conv = node;
  conv.kind = NodeKind::PointwiseConv;
  const QuantizedTensor mid = runIntegerPointwiseConv(conv, {inputs.at(0)});
  Node sum;
  sum.kind = NodeKind::Add;
  sum.name = node.name;
  sum.params = add.residual;
  sum.quant = add.quant;
  return runIntegerAdd(sum, {&mid, inputs.at(1)});
}

}  // namespace mobilevk::cpu
