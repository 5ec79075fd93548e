#pragma once
// mobilevk's own code reaches the layer description inside a Model here (no Vulkan on this side;
// the Context's Vulkan objects are reached through internal_access.h).
#include <memory>

#include "graph/graph.h"
#include "mobilevk/model.h"

namespace mobilevk {

struct ModelAccess {
  static const Graph& graph(const Model& model) { return *model.graph_; }
  static Model model(std::shared_ptr<Graph> graph) { return Model(std::move(graph)); }
};

}  // namespace mobilevk
