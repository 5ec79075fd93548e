#include <cmath>

#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/graph.h"
#include "graph/op_table.h"
#include "mobilevk/error.h"
#include "mobilevk/reference.h"

namespace mobilevk {

namespace {
// Evaluates every node in order, keeping each value until the graph is done (the reference is for
// checking, not for memory). Returns every value.
template <class Tensor, class Run>
std::vector<Tensor> evaluate(const Graph& g, Tensor input, Run run) {
  std::vector<Tensor> values(g.values.size());
  values[size_t(g.inputValue)] = std::move(input);
  std::vector<const Tensor*> in;
  for (const auto& n : g.nodes) {
    in.clear();
    for (ValueId v : n.inputs) in.push_back(&values[size_t(v)]);
    values[size_t(n.outputs.at(0))] = run(n, in);
  }
  return values;
}
}  // namespace

std::vector<HostTensor> runReferenceOutputs(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  return runReferenceOutputs(ModelAccess::graph(model), input, layerOutputs);
}

std::vector<HostTensor> runReferenceOutputs(const Graph& g, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  const Shape expected = g.inputShape(input.shape.n);
  if (input.shape != expected)
    throw Error("input of shape " + input.shape.str() + " does not match the model's " + expected.str());
  auto values = evaluate(g, input, [](const Node& n, const HostInputs& in) { return opKind(n.kind).reference(n, in); });
  if (layerOutputs)
    for (const auto& n : g.nodes) layerOutputs->push_back(values[size_t(n.outputs.at(0))]);
  std::vector<HostTensor> outputs;
  for (ValueId v : g.outputs) outputs.push_back(values[size_t(v)]);
  return outputs;
}

HostTensor runReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  return runReferenceOutputs(model, input, layerOutputs).at(0);
}

std::vector<QuantizedTensor> runIntegerReferenceOutputs(const Graph& g, const QuantizedTensor& input,
                                                        std::vector<QuantizedTensor>* layerOutputs) {
  const Shape expected = g.inputShape(input.shape.n);
  if (input.shape != expected)
    throw Error("input of shape " + input.shape.str() + " does not match the model's " + expected.str());
  auto values = evaluate(g, input, [](const Node& n, const QuantizedInputs& in) { return opKind(n.kind).integerReference(n, in); });
  if (layerOutputs)
    for (const auto& n : g.nodes) layerOutputs->push_back(values[size_t(n.outputs.at(0))]);
  std::vector<QuantizedTensor> outputs;
  for (ValueId v : g.outputs) outputs.push_back(values[size_t(v)]);
  return outputs;
}

QuantizedTensor runIntegerReference(const Graph& g, const QuantizedTensor& input, std::vector<QuantizedTensor>* layerOutputs) {
  return runIntegerReferenceOutputs(g, input, layerOutputs).at(0);
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

std::vector<HostTensor> runIntegerReferenceOutputs(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  const Graph& g = ModelAccess::graph(model);
  if (!g.integerExecutable())
    throw Error(ErrorCode::Unsupported, "model '" + model.name() + "' " +
                (g.integerProblem.empty() ? "is not a quantized file with integers for every layer"
                                          : "cannot run in integers: " + g.integerProblem) +
                "; only the float path runs it");
  QuantizedTensor in;
  in.shape = input.shape;
  in.quant = *g.values[size_t(g.inputValue)].quant;
  in.data = quantizeInput(model, input);
  auto dequantize = [](const QuantizedTensor& t) {
    HostTensor real(t.shape);
    for (size_t i = 0; i < real.data.size(); ++i) real.data[i] = t.quant.scale * float(t.data[i] - t.quant.zeroPoint);
    return real;
  };
  std::vector<QuantizedTensor> layers;
  const auto outs = runIntegerReferenceOutputs(g, in, layerOutputs ? &layers : nullptr);
  if (layerOutputs)
    for (const auto& l : layers) layerOutputs->push_back(dequantize(l));
  std::vector<HostTensor> outputs;
  for (const auto& o : outs) outputs.push_back(dequantize(o));
  return outputs;
}

HostTensor runIntegerReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  return runIntegerReferenceOutputs(model, input, layerOutputs).at(0);
}

}  // namespace mobilevk
