#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
template <class Tensor>
void copyInto(Tensor& out, const Tensor& in, const PadParams& p) {
  for (int n = 0; n < in.shape.n; ++n)
    for (int y = 0; y < in.shape.h; ++y)
      for (int x = 0; x < in.shape.w; ++x)
        for (int c = 0; c < in.shape.c; ++c) out.at(n, y + p.top, x + p.left, c) = in.at(n, y, x, c);
}
Shape padded(const Node& node, const Shape& in) { return opKind(node.kind).outputShapes(node, {in}).at(0); }
}  // namespace

// The pads hold zero.
HostTensor runPad(const Node& node, const HostInputs& inputs) {
  const HostTensor& in = *inputs.at(0);
  HostTensor out(padded(node, in.shape), 0.0f);
  copyInto(out, in, node.pad());
  return out;
}

// TFLite's quantized PAD: the stored values kept (one grid in and out), the pads hold the zero point.
QuantizedTensor runIntegerPad(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireSameGrid(q, "Pad '" + node.name + "'");
  QuantizedTensor out(padded(node, in.shape), q.output);  // filled with the zero point
  copyInto(out, in, node.pad());
  return out;
}

}  // namespace mobilevk::cpu
