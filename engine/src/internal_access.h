#pragma once
// mobilevk's own code (and its tests) reach behind the public API here: the live Vulkan objects of
// a Context, the layer description inside a Model. Not installed; embedders never see it.
#include <memory>

#include "mobilevk/context.h"
#include "graph/model_access.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"

namespace mobilevk {

struct Graph;

struct InternalAccess {
  static Gpu& gpu(Context& context) { return *context.gpu_; }
  // For objects that must keep the device alive after the Context is gone (Network).
  static std::shared_ptr<Gpu> sharedGpu(Context& context) { return context.gpu_; }
  // The Model side, for code that already includes this header.
  static const Graph& graph(const Model& model) { return ModelAccess::graph(model); }
  static Model model(std::shared_ptr<Graph> graph) { return ModelAccess::model(std::move(graph)); }
  static const Network::Impl& network(const Network& network) { return *network.impl_; }
};

}  // namespace mobilevk
