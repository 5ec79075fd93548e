#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

HostTensor add(const HostTensor& a, const HostTensor& b, const Activation& activation) {
  if (a.shape != b.shape) throw Error("Add: inputs of shapes " + a.shape.str() + " and " + b.shape.str() + " differ");
  HostTensor out(a.shape);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = activate(double(a.data[i]) + double(b.data[i]), activation);
  return out;
}

HostTensor runAdd(const Node& node, const HostInputs& inputs) {
  return add(*inputs.at(0), *inputs.at(1), node.elementwise().activation);
}

// XNNPACK's quantized ADD (graph/quantization.h: addParams), which LiteRT's default path runs.
QuantizedTensor runIntegerAdd(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& a = *inputs.at(0);
  const QuantizedTensor& b = *inputs.at(1);
  const QuantizedLayer& q = quantizedLayerOf(node, a);
  if (q.otherInputs.size() != 1) throw Error(ErrorCode::Internal, "Add '" + node.name + "' has no grid for its second input");
  const TensorQuant& bq = q.otherInputs[0];
  if (b.quant.type != bq.type || b.quant.scale != bq.scale || b.quant.zeroPoint != bq.zeroPoint)
    throw Error(ErrorCode::InvalidArgument, "Add '" + node.name + "' expects input 1 " + bq.str() + ", got " + b.quant.str());
  if (a.shape != b.shape || b.data.size() != b.shape.elements())
    throw Error(ErrorCode::InvalidArgument, "Add '" + node.name + "': inputs of shapes " + a.shape.str() + " and " + b.shape.str());
  const AddParams p = addParams(q.input, bq, q.output, q.activationMin, q.activationMax, node.name);
  QuantizedTensor out(a.shape, q.output);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = quantizedAdd(a.data[i], b.data[i], p);
  return out;
}

}  // namespace mobilevk::cpu
