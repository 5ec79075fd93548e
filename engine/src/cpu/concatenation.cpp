#include "cpu/reference.h"

#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
int dim(const Shape& s, int axis) { return axis == 1 ? s.h : axis == 2 ? s.w : s.c; }

// Copies every input into its slice of `out` along the axis; `value(i, k)` gives input i's k-th
// element (NHWC order) as it is stored in the output.
template <class Tensor, class Value>
void join(Tensor& out, const std::vector<const Tensor*>& in, int axis, Value value) {
  // NHWC: an input's elements are `outer` runs of dim(axis) * inner contiguous ones.
  const Shape& s = out.shape;
  const size_t inner = axis == 1 ? size_t(s.w) * s.c : axis == 2 ? size_t(s.c) : 1;
  const size_t outer = axis == 1 ? size_t(s.n) : axis == 2 ? size_t(s.n) * s.h : size_t(s.n) * s.h * s.w;
  size_t at = 0;
  for (size_t k = 0; k < outer; ++k)
    for (size_t i = 0; i < in.size(); ++i) {
      const size_t run = size_t(dim(in[i]->shape, axis)) * inner;
      for (size_t j = 0; j < run; ++j) out.data[at++] = value(i, k * run + j);
    }
}

Shape joinedShape(const Node& node, const std::vector<Shape>& in) { return opKind(node.kind).outputShapes(node, in).at(0); }
}  // namespace

HostTensor runConcatenation(const Node& node, const HostInputs& inputs) {
  std::vector<Shape> shapes;
  for (const auto* t : inputs) shapes.push_back(t->shape);
  HostTensor out(joinedShape(node, shapes));
  join(out, inputs, node.concat().axis, [&](size_t i, size_t k) { return inputs[i]->data[k]; });
  return out;
}

// graph/quantization.h: concatRequantize (an input on another grid is requantized to the output's).
QuantizedTensor runIntegerConcatenation(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedLayer& q = quantizedLayerOf(node, *inputs.at(0));
  if (q.otherInputs.size() + 1 != inputs.size())
    throw Error(ErrorCode::Internal, "Concatenation '" + node.name + "': " + std::to_string(inputs.size()) + " inputs but " +
                std::to_string(q.otherInputs.size() + 1) + " grids");
  std::vector<Shape> shapes;
  std::vector<ConcatRequantize> grids;
  for (size_t i = 0; i < inputs.size(); ++i) {
    shapes.push_back(inputs[i]->shape);
    grids.push_back(concatRequantize(i == 0 ? q.input : q.otherInputs[i - 1], q.output));
  }
  QuantizedTensor out(joinedShape(node, shapes), q.output);
  join(out, inputs, node.concat().axis, [&](size_t i, size_t k) { return concatRequantizeValue(inputs[i]->data[k], grids[i]); });
  return out;
}

}  // namespace mobilevk::cpu
