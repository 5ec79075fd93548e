#include <algorithm>

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

// A standalone activation: its clamp on every value.
HostTensor runClamp(const Node& node, const HostInputs& inputs) {
  HostTensor out = *inputs.at(0);
  for (float& v : out.data) v = activate(v, node.elementwise().activation);
  return out;
}

// On one grid (TFLite's RELU ops keep the input's in the files mobilevk runs; XNNPACK's clamp
// needs it): the stored values clamped to the activation range.
QuantizedTensor runIntegerClamp(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireSameGrid(q, node.name);
  QuantizedTensor out(in.shape, q.output);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = std::min(std::max(in.data[i], q.activationMin), q.activationMax);
  return out;
}

}  // namespace mobilevk::cpu
