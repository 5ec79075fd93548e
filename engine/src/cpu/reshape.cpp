#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
Shape targetOf(const Node& node, const Shape& in) {
  const Shape& t = node.reshape().shape;
  return {in.n, t.h, t.w, t.c};
}
}  // namespace

// NHWC order is the order of the elements in both shapes: the data is unchanged.
HostTensor runReshape(const Node& node, const HostInputs& inputs) {
  HostTensor out = *inputs.at(0);
  out.shape = targetOf(node, out.shape);
  return out;
}

QuantizedTensor runIntegerReshape(const Node& node, const QuantizedInputs& inputs) {
  requireSameGrid(quantizedLayerOf(node, *inputs.at(0)), "Reshape '" + node.name + "'");
  QuantizedTensor out = *inputs.at(0);
  out.shape = targetOf(node, out.shape);
  return out;
}

}  // namespace mobilevk::cpu
