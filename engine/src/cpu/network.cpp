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

}  // namespace mobilevk
