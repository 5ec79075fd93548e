#include "graph/passes.h"

#include <algorithm>

#include "graph/builder.h"
#include "mobilevk/error.h"

namespace mobilevk {

std::vector<NodeId> sourcesOf(const Graph& graph, NodeId n) {
  const Node& node = graph.nodes.at(size_t(n));
  return node.sources.empty() ? std::vector<NodeId>{n} : node.sources;
}

namespace {

// A copy of `g` in which each node i with partner[i] >= 0 absorbs that node (the only consumer of
// its output) as `merge` makes them one; the value between them goes. A pair whose second node
// reads a value written after the first node is left alone (the merged node takes the first's
// place, so everything it reads must exist there).
std::shared_ptr<Graph> mergePairs(const Graph& g, std::vector<NodeId> partner,
                                  const std::function<Node(const Node& first, const Node& second)>& merge) {
  partner.resize(g.nodes.size(), -1);
  std::vector<bool> absorbed(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const NodeId j = partner[i];
    if (j < 0) continue;
    bool fits = g.soleConsumer(NodeId(i)) == j && !absorbed[i] && partner[size_t(j)] < 0;
    for (ValueId v : g.nodes[size_t(j)].inputs) fits = fits && (v == g.outputOf(NodeId(i)) || g.values[size_t(v)].producer < NodeId(i));
    if (fits) absorbed[size_t(j)] = true;
    else partner[i] = -1;
  }
  auto out = std::make_shared<Graph>();
  out->name = g.name;
  out->format = g.format;
  out->input = g.input;
  out->integerProblem = g.integerProblem;
  std::vector<ValueId> newId(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (partner[i] >= 0) newId[size_t(g.outputOf(NodeId(i)))] = -2;  // the value that goes
  for (size_t v = 0; v < g.values.size(); ++v) {
    if (newId[v] == -2) continue;
    newId[v] = ValueId(out->values.size());
    Value copy = g.values[v];
    copy.consumers.clear();
    copy.producer = -1;
    out->values.push_back(std::move(copy));
  }
  const auto remap = [&](std::vector<ValueId>& ids) {
    for (ValueId& v : ids) v = newId[size_t(v)];
  };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (absorbed[i]) continue;
    Node node = g.nodes[i];
    if (node.sources.empty()) node.sources = {NodeId(i)};
    if (partner[i] >= 0) {
      const Node& second = g.nodes[size_t(partner[i])];
      Node merged = merge(node, second);
      merged.sources = node.sources;
      for (NodeId s : sourcesOf(g, partner[i])) merged.sources.push_back(s);
      merged.inputs = node.inputs;
      for (ValueId v : second.inputs)
        if (v != node.outputs.at(0)) merged.inputs.push_back(v);
      merged.outputs = second.outputs;
      node = std::move(merged);
    }
    remap(node.inputs);
    remap(node.outputs);
    for (ValueId v : node.outputs) out->values[size_t(v)].producer = NodeId(out->nodes.size());
    out->nodes.push_back(std::move(node));
  }
  out->inputValue = newId[size_t(g.inputValue)];
  out->outputs = g.outputs;
  remap(out->outputs);
  linkConsumers(*out);
  out->resolve();
  return out;
}

}  // namespace

std::shared_ptr<Graph> foldActivations(const Graph& graph) {
  std::vector<NodeId> partner(graph.nodes.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& p = graph.nodes[i];
    const NodeId c = graph.soleConsumer(NodeId(i));
    if (c < 0 || graph.nodes[size_t(c)].kind != NodeKind::Clamp) continue;
    if (!hasWeights(p.kind) && p.kind != NodeKind::MaxPool2D && p.kind != NodeKind::Add) continue;
    if (p.kind == NodeKind::DepthwisePointwiseConv || p.kind == NodeKind::PointwiseConvAdd) continue;
    const Node& clamp = graph.nodes[size_t(c)];
    const auto& a = graph.values[size_t(graph.outputOf(NodeId(i)))].quant;
    const auto& b = graph.values[size_t(clamp.outputs.at(0))].quant;
    const bool sameGrid = (!a && !b) || (a && b && a->type == b->type && a->scale == b->scale && a->zeroPoint == b->zeroPoint);
    if (sameGrid && p.quant.has_value() == clamp.quant.has_value()) partner[i] = c;
  }
  return mergePairs(graph, partner, [](const Node& producer, const Node& clamp) {
    Node folded = producer;
    fuseClamp(folded, clamp.elementwise().activation.min, clamp.elementwise().activation.max);
    if (folded.quant && clamp.quant) {
      folded.quant->activationMin = std::max(folded.quant->activationMin, clamp.quant->activationMin);
      folded.quant->activationMax = std::min(folded.quant->activationMax, clamp.quant->activationMax);
      if (folded.quant->activationMin > folded.quant->activationMax) folded.quant->activationMin = folded.quant->activationMax;
    }
    return folded;
  });
}

std::shared_ptr<const Graph> fuseDepthwisePointwise(const Graph& graph, const std::function<bool(NodeId, NodeId)>& choose) {
  std::vector<NodeId> partner(graph.nodes.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeId pw = graph.soleConsumer(NodeId(i));
    // The fused kernel has no dilation: a dilated depthwise conv runs on its own.
    if (graph.nodes[i].kind == NodeKind::DepthwiseConv && !graph.nodes[i].conv().window.dilated() && pw >= 0 &&
        graph.nodes[size_t(pw)].kind == NodeKind::PointwiseConv &&
        choose(NodeId(i), pw))
      partner[i] = pw;
  }
  return mergePairs(graph, partner, [](const Node& dw, const Node& pw) {
    Node fused = dw;
    fused.kind = NodeKind::DepthwisePointwiseConv;
    fused.second = Node::SecondLayer{pw.conv(), {}, pw.quant};
    return fused;
  });
}

std::shared_ptr<const Graph> fuseResidualAdds(const Graph& graph) {
  std::vector<NodeId> partner(graph.nodes.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeId add = graph.soleConsumer(NodeId(i));
    if (graph.nodes[i].kind != NodeKind::PointwiseConv || add < 0) continue;
    const Node& a = graph.nodes[size_t(add)];
    // An ADD of the conv's output with itself has no skip tensor to read.
    if (a.kind == NodeKind::Add && a.inputs[0] != a.inputs[1]) partner[i] = add;
  }
  return mergePairs(graph, partner, [&](const Node& conv, const Node& add) {
    Node fused = conv;
    fused.kind = NodeKind::PointwiseConvAdd;
    Node::SecondLayer second{{}, add.elementwise(), add.quant};
    // The ADD's grids in the merged node's order: the conv's result first, then the skip tensor
    // (XNNPACK's ADD is symmetric in its inputs, bit for bit).
    if (second.quant && add.inputs[0] != conv.outputs.at(0) && !second.quant->otherInputs.empty())
      std::swap(second.quant->input, second.quant->otherInputs[0]);
    fused.second = second;
    return fused;
  });
}

}  // namespace mobilevk
