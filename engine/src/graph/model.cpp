#include "graph/model_access.h"

#include <algorithm>

#include "graph/graph.h"
#include "graph/passes.h"
#include "import/importers.h"
#include "mobilevk/error.h"

namespace mobilevk {

Model::Model(std::shared_ptr<Graph> g) : graph_(std::move(g)) {
  graph_->resolve();
  // Standalone activations fold into their producers where they can (graph/passes.h): the Model
  // describes the network as it computes.
  if (std::any_of(graph_->nodes.begin(), graph_->nodes.end(), [](const Node& n) { return n.kind == NodeKind::Clamp; }))
  {
    graph_ = foldActivations(*graph_);
    for (Node& n : graph_->nodes) n.sources.clear();  // the Model's nodes are the layers others refer to
  }
}

const std::string& Model::name() const { return graph_->name; }
const std::string& Model::format() const { return graph_->format; }
const InputSpec& Model::input() const { return graph_->input; }

void Model::setInputNormalization(const float scale[3], const float offset[3], const std::string& source) {
  // Copy on write: other Model copies keep their normalization.
  auto g = std::make_shared<Graph>(*graph_);
  for (int c = 0; c < 3; ++c) {
    g->input.scale[c] = scale[c];
    g->input.offset[c] = offset[c];
  }
  g->input.source = source;
  graph_ = std::move(g);
}

Shape Model::inputShape(int batch) const { return graph_->inputShape(batch); }
Shape Model::outputShape(int batch) const { return outputShape(size_t(0), batch); }

size_t Model::outputCount() const { return graph_->outputs.size(); }

Shape Model::outputShape(size_t i, int batch) const {
  if (i >= graph_->outputs.size())
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "' has " + std::to_string(graph_->outputs.size()) + " outputs, not " +
                std::to_string(i + 1));
  return graph_->inferShapes(batch).at(size_t(graph_->outputs[i]));
}

std::vector<LayerSummary> Model::layers() const {
  const auto shapes = graph_->inferShapes(1);
  std::vector<LayerSummary> out;
  for (size_t i = 0; i < graph_->nodes.size(); ++i) {
    const Node& n = graph_->nodes[i];
    LayerSummary s;
    s.name = n.name;
    s.type = nodeKindName(n.kind);
    s.outputShape = shapes[size_t(graph_->outputOf(NodeId(i)))];
    if (hasWeights(n.kind)) {
      const auto& d = n.conv();
      s.strideY = d.window.strideY;
      s.strideX = d.window.strideX;
      if (n.kind == NodeKind::DepthwiseConv) s.filterShape = {d.window.kernelH, d.window.kernelW, d.inChannels};
      else if (n.kind == NodeKind::FullyConnected) s.filterShape = {d.inChannels, d.outChannels};
      else s.filterShape = {d.window.kernelH, d.window.kernelW, d.inChannels, d.outChannels};
      s.activation = d.activation.str();
      s.macs = convMacs(d, convKindOf(n.kind), s.outputShape);
      s.params = convParams(d);
    }
    out.push_back(std::move(s));
  }
  return out;
}

uint64_t Model::totalMacs() const {
  uint64_t t = 0;
  for (const auto& l : layers()) t += l.macs;
  return t;
}

uint64_t Model::totalParams() const {
  uint64_t t = 0;
  for (const auto& l : layers()) t += l.params;
  return t;
}

bool Model::hasIntegerExecution() const { return graph_->integerExecutable(); }
std::string Model::integerExecutionProblem() const { return graph_->integerProblem; }

namespace {
Quantization publicQuantization(const TensorQuant& q) { return {q.type == QuantType::Int8, q.scale, q.zeroPoint}; }
}  // namespace

Quantization Model::inputQuantization() const {
  if (!hasIntegerExecution())
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "' is not quantized: it has no input quantization");
  return publicQuantization(*graph_->values.at(size_t(graph_->inputValue)).quant);
}

Quantization Model::outputQuantization() const { return outputQuantization(size_t(0)); }

Quantization Model::outputQuantization(size_t i) const {
  if (!hasIntegerExecution())
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "' is not quantized: it has no output quantization");
  if (i >= graph_->outputs.size())
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "' has no output " + std::to_string(i));
  const Value& out = graph_->values.at(size_t(graph_->outputs[i]));
  if (!out.quant)
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "': output " + std::to_string(i) + " ('" + out.name +
                "') is float (computed on the host)");
  return publicQuantization(*out.quant);
}

namespace {
// True when the graph's outputs are exactly the outputs of one node of `kind`.
bool endsIn(const Graph& g, NodeKind kind) {
  if (g.outputs.empty()) return false;
  const NodeId p = g.values.at(size_t(g.outputs[0])).producer;
  if (p < 0 || g.nodes.at(size_t(p)).kind != kind) return false;
  return g.nodes[size_t(p)].outputs == g.outputs;
}
}  // namespace

bool Model::isDetector() const { return endsIn(*graph_, NodeKind::DetectionPostProcess); }

bool Model::isPoseEstimator() const { return endsIn(*graph_, NodeKind::PosenetDecoder); }

bool Model::isSegmenter() const { return graph_->holdsIndices(graph_->outputs.at(0)); }

int Model::segmenterClasses() const {
  if (!isSegmenter()) return 0;
  const Graph& g = *graph_;
  return g.values.at(size_t(g.nodes.at(size_t(g.values.at(size_t(g.outputs[0])).producer)).inputs.at(0))).shape.c;
}

int Model::detectorClasses() const {
  if (!isDetector()) return 0;
  const Graph& g = *graph_;
  return g.nodes.at(size_t(g.values.at(size_t(g.outputs[0])).producer)).detection().options.numClasses;
}

Model Model::load(const std::string& path) { return ModelAccess::model(importModel(path)); }

Model Model::fromTflite(const void* data, size_t size, const std::string& name) {
  if (!data && size) throw Error(ErrorCode::InvalidArgument, name + ": no data given");
  const auto* bytes = static_cast<const uint8_t*>(data);
  return ModelAccess::model(importTfliteBytes(std::vector<uint8_t>(bytes, bytes + size), name));
}

}  // namespace mobilevk
