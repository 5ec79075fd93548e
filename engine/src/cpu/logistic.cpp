#include <cmath>

#include "cpu/reference.h"

namespace mobilevk::cpu {

HostTensor runLogistic(const Node&, const HostInputs& inputs) {
  HostTensor out = *inputs.at(0);
  for (float& v : out.data) v = float(1.0 / (1.0 + std::exp(-double(v))));
  return out;
}

// graph/quantization.h: logisticTable.
QuantizedTensor runIntegerLogistic(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const std::vector<int32_t> table = logisticTable(q.input, q.output, node.name);
  QuantizedTensor out(in.shape, q.output);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = table[size_t(uint8_t(in.data[i]))];
  return out;
}

}  // namespace mobilevk::cpu
