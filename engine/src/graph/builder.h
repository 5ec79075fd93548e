#pragma once
// The one way graphs are made (importers, built-in networks, tests): values are created as nodes
// produce them, and finish() links producers and consumers and copies each value's grid into the
// nodes that read and write it. The graph is validated once, when it becomes a Model.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace mobilevk {

// Recomputes every value's consumers from the nodes' inputs (in node order).
void linkConsumers(Graph& graph);

class GraphBuilder {
 public:
  GraphBuilder(std::string name, std::string format);
  Graph& graph() { return *graph_; }
  // The graph input (one image tensor, graph.input's shape).
  ValueId setInput(const std::string& name, std::optional<TensorQuant> quant = std::nullopt);
  ValueId input() const { return graph_->inputValue; }
  // Appends `node` reading `inputs`; returns its output value, named after the node unless
  // `outputName` is given.
  ValueId add(Node node, std::vector<ValueId> inputs, std::optional<TensorQuant> outputQuant = std::nullopt,
              const std::string& outputName = "");
  // Appends a node of several outputs (float values, one per name); returns them in order.
  std::vector<ValueId> addWithOutputs(Node node, std::vector<ValueId> inputs, const std::vector<std::string>& outputNames);
  // The node producing `v` (null for the graph input), for importers folding a later layer into it.
  Node* producerOf(ValueId v);
  void markOutput(ValueId v);
  size_t valueCount() const { return graph_->values.size(); }
  std::shared_ptr<Graph> finish();

 private:
  std::shared_ptr<Graph> graph_;
};

}  // namespace mobilevk
