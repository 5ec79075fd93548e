#include <random>
#include "graph/model_access.h"

#include "graph/builder.h"
#include "graph/graph.h"
#include "import/importers.h"
#include "mobilevk/error.h"

namespace mobilevk {

Model::Model(std::shared_ptr<Graph> g) : graph_(std::move(g)) { graph_->resolve(); }

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
Shape Model::outputShape(int batch) const { return graph_->inferShapes(batch).at(size_t(graph_->outputs.at(0))); }

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
      const auto& d = n.conv;
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

Quantization Model::outputQuantization() const {
  if (!hasIntegerExecution())
    throw Error(ErrorCode::InvalidArgument, "model '" + name() + "' is not quantized: it has no output quantization");
  return publicQuantization(*graph_->values.at(size_t(graph_->outputs.at(0))).quant);
}

Model Model::load(const std::string& path) { return ModelAccess::model(importModel(path)); }

Model Model::fromTflite(const void* data, size_t size, const std::string& name) {
  if (!data && size) throw Error(ErrorCode::InvalidArgument, name + ": no data given");
  const auto* bytes = static_cast<const uint8_t*>(data);
  return ModelAccess::model(importTfliteBytes(std::vector<uint8_t>(bytes, bytes + size), name));
}

Model Model::mobileNetV1(const MobileNetV1Options& o) {
  if (!(o.alpha > 0.0f) || o.alpha > 4.0f) throw Error(ErrorCode::InvalidArgument, "alpha must be in (0, 4], got " + std::to_string(o.alpha));
  if (o.resolution < 32 || o.resolution > 2048)
    throw Error(ErrorCode::InvalidArgument, "resolution must be in [32, 2048], got " + std::to_string(o.resolution));
  if (o.classes < 0) throw Error(ErrorCode::InvalidArgument, "classes must be >= 0, got " + std::to_string(o.classes));
  char buf[64];
  std::snprintf(buf, sizeof buf, "mobilenet_v1_%g_%d", double(o.alpha), o.resolution);
  GraphBuilder b(buf, "builtin");
  Graph* g = &b.graph();
  ValueId cur = b.input();
  g->input.height = g->input.width = o.resolution;
  g->input.source = "MobileNet convention [-1, 1]";
  std::mt19937 rng(o.seed);

  auto ch = [&](int c) { return std::max(1, int(c * o.alpha)); };
  // He-style scaling keeps activations O(1) through 27 layers, so the random network's numbers
  // stay in a realistic range (speed does not depend on them, but comparisons do).
  auto addConv = [&](NodeKind kind, const std::string& name, int in, int out, int k, int stride) {
    Node n;
    n.kind = kind;
    n.name = name;
    auto& d = n.conv;
    d.name = name;
    d.inChannels = in;
    d.outChannels = out;
    const bool window = kind == NodeKind::Conv2D || kind == NodeKind::DepthwiseConv;
    d.window = {window ? k : 1, window ? k : 1, stride, stride, window ? Padding::same() : Padding::valid()};
    const size_t count = kind == NodeKind::DepthwiseConv ? size_t(k) * k * in : size_t(out) * k * k * in;
    const int fanIn = kind == NodeKind::DepthwiseConv ? k * k : k * k * in;
    std::normal_distribution<float> w(0.0f, std::sqrt(2.0f / float(fanIn)));
    d.weights.resize(count);
    for (auto& v : d.weights) v = w(rng);
    std::uniform_real_distribution<float> bias(-0.1f, 0.1f);
    d.bias.resize(out);
    for (auto& v : d.bias) v = bias(rng);
    d.activation = kind == NodeKind::FullyConnected ? Activation::none() : Activation::relu6();
    cur = b.add(std::move(n), {cur});
  };

  addConv(NodeKind::Conv2D, "conv1", 3, ch(32), 3, 2);
  struct Block { int out, stride; };
  const Block blocks[] = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int c = ch(32);
  for (int i = 0; i < 13; ++i) {
    const std::string id = std::to_string(i + 1);
    addConv(NodeKind::DepthwiseConv, "conv_dw_" + id, c, c, 3, blocks[i].stride);
    addConv(NodeKind::PointwiseConv, "conv_pw_" + id, c, ch(blocks[i].out), 1, 1);
    c = ch(blocks[i].out);
  }
  Node pool;
  pool.kind = NodeKind::GlobalAvgPool;
  pool.name = "global_avg_pool";
  cur = b.add(pool, {cur});
  if (o.classes > 0) {
    addConv(NodeKind::FullyConnected, "fc", c, o.classes, 1, 1);
    if (o.softmax) {
      Node sm;
      sm.kind = NodeKind::Softmax;
      sm.name = "softmax";
      cur = b.add(sm, {cur});
    }
  }
  b.markOutput(cur);
  return Model(b.finish());
}

}  // namespace mobilevk
