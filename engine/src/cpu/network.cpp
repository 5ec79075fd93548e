#include <cmath>

#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/graph.h"
#include "graph/op_table.h"
#include "mobilevk/error.h"
#include "mobilevk/reference.h"

namespace mobilevk {

namespace {
// Evaluates every node in order (the device part only with `deviceOnly`), keeping each value until
// the graph is done (the reference is for checking, not for memory). Returns every value.
template <class Tensor, class Run>
std::vector<Tensor> evaluate(const Graph& g, Tensor input, Run run, bool deviceOnly = false) {
  std::vector<Tensor> values(g.values.size());
  values[size_t(g.inputValue)] = std::move(input);
  std::vector<const Tensor*> in;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (deviceOnly && g.runsOnHost(NodeId(i))) continue;
    in.clear();
    for (ValueId v : n.inputs) in.push_back(&values[size_t(v)]);
    auto outs = run(n, in);
    for (size_t k = 0; k < n.outputs.size(); ++k) values[size_t(n.outputs[k])] = std::move(outs.at(k));
  }
  return values;
}

HostTensor dequantize(const QuantizedTensor& t) {
  HostTensor real(t.shape);
  for (size_t i = 0; i < real.data.size(); ++i) real.data[i] = t.quant.scale * float(t.data[i] - t.quant.zeroPoint);
  return real;
}
}  // namespace

void runHostNodes(const Graph& g, std::vector<HostTensor>& values) {
  HostInputs in;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!g.runsOnHost(NodeId(i))) continue;
    const Node& n = g.nodes[i];
    in.clear();
    for (ValueId v : n.inputs) in.push_back(&values.at(size_t(v)));
    auto outs = opKind(n.kind).reference(n, in);
    for (size_t k = 0; k < n.outputs.size(); ++k) values.at(size_t(n.outputs[k])) = std::move(outs.at(k));
  }
}

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
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.runsOnHost(NodeId(i)))
      throw Error(ErrorCode::InvalidArgument, "model '" + g.name + "' ends in host nodes (" + g.nodes[i].name +
                  "), whose outputs are floats: run it with runIntegerReferenceOutputs(Model, ...)");
  auto values = evaluate(
      g, input, [](const Node& n, const QuantizedInputs& in) { return std::vector<QuantizedTensor>{opKind(n.kind).integerReference(n, in)}; });
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
  // The device part in integers; the host nodes on its values dequantized, as the runtime does.
  auto values = evaluate(
      g, std::move(in),
      [](const Node& n, const QuantizedInputs& x) { return std::vector<QuantizedTensor>{opKind(n.kind).integerReference(n, x)}; }, true);
  std::vector<bool> wanted(values.size(), layerOutputs != nullptr);
  for (ValueId v : g.outputs) wanted[size_t(v)] = true;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.runsOnHost(NodeId(i)))
      for (ValueId v : g.nodes[i].inputs) wanted[size_t(v)] = true;
  std::vector<HostTensor> real(values.size());
  for (size_t v = 0; v < values.size(); ++v)
    if (wanted[v] && values[v].data.size() == values[v].shape.elements()) real[v] = dequantize(values[v]);  // host outputs come next
  runHostNodes(g, real);
  if (layerOutputs)
    for (const auto& n : g.nodes) layerOutputs->push_back(real[size_t(n.outputs.at(0))]);
  std::vector<HostTensor> outputs;
  for (ValueId v : g.outputs) outputs.push_back(real[size_t(v)]);
  return outputs;
}

HostTensor runIntegerReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs) {
  return runIntegerReferenceOutputs(model, input, layerOutputs).at(0);
}

}  // namespace mobilevk
