#include "graph/builder.h"

#include "mobilevk/error.h"

namespace mobilevk {

GraphBuilder::GraphBuilder(std::string name, std::string format) : graph_(std::make_shared<Graph>()) {
  graph_->name = std::move(name);
  graph_->format = std::move(format);
  graph_->values.push_back({"input", {}, std::nullopt, -1, {}, false});
}

ValueId GraphBuilder::setInput(const std::string& name, std::optional<TensorQuant> quant) {
  Value& v = graph_->values.at(size_t(graph_->inputValue));
  v.name = name;
  v.quant = quant;
  return graph_->inputValue;
}

ValueId GraphBuilder::add(Node node, std::vector<ValueId> inputs, std::optional<TensorQuant> outputQuant,
                          const std::string& outputName) {
  Graph& g = *graph_;
  for (ValueId v : inputs)
    if (v < 0 || size_t(v) >= g.values.size())
      throw Error(ErrorCode::InvalidModel, "node '" + node.name + "' reads value " + std::to_string(v) + ", but there are " +
                  std::to_string(g.values.size()));
  const ValueId out = ValueId(g.values.size());
  g.values.push_back({outputName.empty() ? node.name : outputName, {}, outputQuant, NodeId(g.nodes.size()), {}, false});
  node.inputs = std::move(inputs);
  node.outputs = {out};
  g.nodes.push_back(std::move(node));
  return out;
}

std::vector<ValueId> GraphBuilder::addWithOutputs(Node node, std::vector<ValueId> inputs, const std::vector<std::string>& outputNames) {
  if (outputNames.empty()) throw Error(ErrorCode::Internal, "node '" + node.name + "' writes no value");
  Graph& g = *graph_;
  const ValueId first = add(std::move(node), std::move(inputs), std::nullopt, outputNames[0]);
  std::vector<ValueId> outs{first};
  for (size_t i = 1; i < outputNames.size(); ++i) {
    outs.push_back(ValueId(g.values.size()));
    g.values.push_back({outputNames[i], {}, std::nullopt, g.values[size_t(first)].producer, {}, false});
  }
  g.nodes.back().outputs = outs;
  return outs;
}

Node* GraphBuilder::producerOf(ValueId v) {
  const NodeId p = graph_->values.at(size_t(v)).producer;
  return p < 0 ? nullptr : &graph_->nodes.at(size_t(p));
}

void GraphBuilder::markOutput(ValueId v) {
  if (v < 0 || size_t(v) >= graph_->values.size())
    throw Error(ErrorCode::InvalidModel, "graph output " + std::to_string(v) + " is not a value");
  graph_->values[size_t(v)].graphOutput = true;
  graph_->outputs.push_back(v);
}

void linkConsumers(Graph& g) {
  for (auto& v : g.values) v.consumers.clear();
  for (size_t n = 0; n < g.nodes.size(); ++n)
    for (ValueId v : g.nodes[n].inputs)
      if (v >= 0 && size_t(v) < g.values.size()) {
        auto& c = g.values[size_t(v)].consumers;
        if (c.empty() || c.back() != NodeId(n)) c.push_back(NodeId(n));
      }
}

std::shared_ptr<Graph> GraphBuilder::finish() {
  Graph& g = *graph_;
  linkConsumers(g);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    Node& node = g.nodes[n];
    // The kernels read a node's grids from the node: copy them from its values.
    if (!node.quant) continue;
    auto grid = [&](ValueId v) -> std::optional<TensorQuant> {
      return v >= 0 && size_t(v) < g.values.size() ? g.values[size_t(v)].quant : std::nullopt;
    };
    if (node.inputs.empty() || node.outputs.empty() || !grid(node.inputs[0]) || !grid(node.outputs[0])) {
      node.quant.reset();  // a tensor without a grid: the node runs only in floats
      continue;
    }
    node.quant->input = *grid(node.inputs[0]);
    node.quant->output = *grid(node.outputs[0]);
    node.quant->otherInputs.clear();
    for (size_t i = 1; i < node.inputs.size(); ++i) {
      const auto q = grid(node.inputs[i]);
      if (!q) {
        node.quant.reset();
        break;
      }
      node.quant->otherInputs.push_back(*q);
    }
  }
  return graph_;
}

}  // namespace mobilevk
