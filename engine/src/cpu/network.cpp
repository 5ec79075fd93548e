#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/graph.h"
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
    switch (n.kind) {
      case NodeKind::Conv2D: cur = cpu::conv2d(cur, n.conv); break;
      case NodeKind::DepthwiseConv: cur = cpu::depthwiseConv(cur, n.conv); break;
      case NodeKind::PointwiseConv: cur = cpu::pointwiseConv(cur, n.conv); break;
      case NodeKind::FullyConnected: cur = cpu::fullyConnected(cur, n.conv); break;
      case NodeKind::GlobalAvgPool: cur = cpu::globalAvgPool(cur); break;
      case NodeKind::Softmax: cur = cpu::softmax(cur); break;
    }
    if (layerOutputs) layerOutputs->push_back(cur);
  }
  return cur;
}

}  // namespace mobilevk
