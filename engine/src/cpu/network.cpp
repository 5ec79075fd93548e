#include <cmath>

#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/graph.h"
#include "graph/op_table.h"
#include "mobilevk/error.h"
#include "mobilevk/reference.h"

namespace mobilevk {

HostTensor runReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  const Graph& g = ModelAccess::graph(model);
  const Shape expected = g.inputShape(input.shape.n);
  if (input.shape != expected)
    throw Error("input of shape " + input.shape.str() + " does not match the model's " + expected.str());
  HostTensor cur = input;
  for (const auto& n : g.nodes) {
    cur = opKind(n.kind).reference(n, cur);
    if (layerOutputs) layerOutputs->push_back(cur);
  }
  return cur;
}

QuantizedTensor runIntegerReference(const Graph& g, const QuantizedTensor& input, std::vector<QuantizedTensor>* layerOutputs) {
  const Shape expected = g.inputShape(input.shape.n);
  if (input.shape != expected)
    throw Error("input of shape " + input.shape.str() + " does not match the model's " + expected.str());
  QuantizedTensor cur = input;
  for (const auto& n : g.nodes) {
    cur = opKind(n.kind).integerReference(n, cur);
    if (layerOutputs) layerOutputs->push_back(cur);
  }
  return cur;
}

std::vector<int32_t> quantizeInput(const Model& model, const HostTensor& input) {
  const Quantization q = model.inputQuantization();
  const int32_t lo = q.isSigned ? -128 : 0, hi = q.isSigned ? 127 : 255;
  std::vector<int32_t> out(input.data.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const float v = std::nearbyint(input.data[i] / q.scale) + float(q.zeroPoint);
    out[i] = int32_t(std::fmin(std::fmax(v, float(lo)), float(hi)));
  }
  return out;
}

HostTensor runIntegerReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  const Graph& g = ModelAccess::graph(model);
  if (!g.integerExecutable())
    throw Error(ErrorCode::Unsupported, "model '" + model.name() + "' " +
                (g.integerProblem.empty() ? "is not a quantized file with integers for every layer"
                                          : "cannot run in integers: " + g.integerProblem) +
                "; only the float path runs it");
  QuantizedTensor in;
  in.shape = input.shape;
  in.quant = g.nodes.front().quant->input;
  in.data = quantizeInput(model, input);
  auto dequantize = [](const QuantizedTensor& t) {
    HostTensor real(t.shape);
    for (size_t i = 0; i < real.data.size(); ++i) real.data[i] = t.quant.scale * float(t.data[i] - t.quant.zeroPoint);
    return real;
  };
  std::vector<QuantizedTensor> layers;
  const QuantizedTensor out = runIntegerReference(g, in, layerOutputs ? &layers : nullptr);
  if (layerOutputs)
    for (const auto& l : layers) layerOutputs->push_back(dequantize(l));
  return dequantize(out);
}

}  // namespace mobilevk
