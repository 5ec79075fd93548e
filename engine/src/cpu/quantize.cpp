#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

// In floats, QUANTIZE between two 8-bit grids changes no real value.
HostTensor runQuantize(const Node&, const HostInputs& inputs) { return *inputs.at(0); }

// graph/quantization.h: XNNPACK's convert within one type, else TFLite's requantizeParams.
QuantizedTensor runIntegerQuantize(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  QuantizedTensor out(in.shape, q.output);
  if (usesConvert(q.input, q.output)) {
    const ConvertParams p = convertParams(q.input, q.output);
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = convertValue(in.data[i], p);
    return out;
  }
  const RequantizeParams p = requantizeParams(q.input, q.output, node.name);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = requantizeValue(in.data[i], p);
  return out;
}

}  // namespace mobilevk::cpu
