// The papers' networks with random weights (BN folded, ReLU6 after every conv but V2's linear
// projections), for benchmarks, tuning and shape studies: Model::mobileNetV1, Model::mobileNetV2.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "graph/builder.h"
#include "graph/model_access.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

void checkCommon(float alpha, int resolution, int classes, float maxAlpha) {
  if (!(alpha > 0.0f) || alpha > maxAlpha)
    throw Error(ErrorCode::InvalidArgument, "alpha must be in (0, " + std::to_string(int(maxAlpha)) + "], got " + std::to_string(alpha));
  if (resolution < 32 || resolution > 2048)
    throw Error(ErrorCode::InvalidArgument, "resolution must be in [32, 2048], got " + std::to_string(resolution));
  if (classes < 0) throw Error(ErrorCode::InvalidArgument, "classes must be >= 0, got " + std::to_string(classes));
}

// Appends convolution-like layers with random weights to a graph being built.
class RandomLayers {
 public:
  RandomLayers(GraphBuilder& b, uint32_t seed) : b_(b), rng_(seed) {}

  // He-style scaling keeps activations O(1) through every layer, so the random network's numbers
  // stay in a realistic range (speed does not depend on them, but comparisons do).
  ValueId conv(NodeKind kind, const std::string& name, ValueId from, int in, int out, int k, int stride, Activation act) {
    Node n;
    n.kind = kind;
    n.name = name;
    ConvDesc& d = n.conv();
    d.name = name;
    d.inChannels = in;
    d.outChannels = out;
    const bool window = kind == NodeKind::Conv2D || kind == NodeKind::DepthwiseConv;
    d.window = {window ? k : 1, window ? k : 1, stride, stride, window ? Padding::same() : Padding::valid()};
    const size_t count = kind == NodeKind::DepthwiseConv ? size_t(k) * k * in : size_t(out) * k * k * in;
    const int fanIn = kind == NodeKind::DepthwiseConv ? k * k : k * k * in;
    std::normal_distribution<float> w(0.0f, std::sqrt(2.0f / float(fanIn)));
    d.weights.resize(count);
    for (auto& v : d.weights) v = w(rng_);
    std::uniform_real_distribution<float> bias(-0.1f, 0.1f);
    d.bias.resize(size_t(out));
    for (auto& v : d.bias) v = bias(rng_);
    d.activation = act;
    return b_.add(std::move(n), {from});
  }

  ValueId op(NodeKind kind, const std::string& name, std::vector<ValueId> inputs) {
    Node n;
    n.kind = kind;
    n.name = name;
    if (kind == NodeKind::Add) n.params = ElementwiseParams{};
    return b_.add(std::move(n), std::move(inputs));
  }

  // Pooling, then the classifier (and softmax) when there are classes; marks the output.
  void head(ValueId features, int channels, int classes, bool softmax) {
    ValueId cur = op(NodeKind::GlobalAvgPool, "global_avg_pool", {features});
    if (classes > 0) {
      cur = conv(NodeKind::FullyConnected, "fc", cur, channels, classes, 1, 1, Activation::none());
      if (softmax) cur = op(NodeKind::Softmax, "softmax", {cur});
    }
    b_.markOutput(cur);
  }

 private:
  GraphBuilder& b_;
  std::mt19937 rng_;
};

std::string networkName(const char* family, float alpha, int resolution) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s_%g_%d", family, double(alpha), resolution);
  return buf;
}

GraphBuilder builder(const std::string& name, int resolution) {
  GraphBuilder b(name, "builtin");
  b.graph().input.height = b.graph().input.width = resolution;
  b.graph().input.source = "MobileNet convention [-1, 1]";
  return b;
}

// The paper's code (slim's _make_divisible): to a multiple of 8, never below 90% of the request.
int roundChannels(float channels) {
  int c = std::max(8, int(channels + 4.0f) / 8 * 8);
  if (float(c) < 0.9f * channels) c += 8;
  return c;
}

}  // namespace

Model Model::mobileNetV1(const MobileNetV1Options& o) {
  checkCommon(o.alpha, o.resolution, o.classes, 4.0f);
  GraphBuilder b = builder(networkName("mobilenet_v1", o.alpha, o.resolution), o.resolution);
  RandomLayers layers(b, o.seed);
  auto ch = [&](int c) { return std::max(1, int(c * o.alpha)); };
  const Activation relu6 = Activation::relu6();
  ValueId cur = layers.conv(NodeKind::Conv2D, "conv1", b.input(), 3, ch(32), 3, 2, relu6);
  struct Block { int out, stride; };
  const Block blocks[] = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int c = ch(32);
  for (int i = 0; i < 13; ++i) {
    const std::string id = std::to_string(i + 1);
    cur = layers.conv(NodeKind::DepthwiseConv, "conv_dw_" + id, cur, c, c, 3, blocks[i].stride, relu6);
    cur = layers.conv(NodeKind::PointwiseConv, "conv_pw_" + id, cur, c, ch(blocks[i].out), 1, 1, relu6);
    c = ch(blocks[i].out);
  }
  layers.head(cur, c, o.classes, o.softmax);
  return ModelAccess::model(b.finish());
}

Model Model::mobileNetV2(const MobileNetV2Options& o) {
  checkCommon(o.alpha, o.resolution, o.classes, 4.0f);
  GraphBuilder b = builder(networkName("mobilenet_v2", o.alpha, o.resolution), o.resolution);
  RandomLayers layers(b, o.seed);
  const Activation relu6 = Activation::relu6(), linear = Activation::none();
  int c = roundChannels(32 * o.alpha);
  ValueId cur = layers.conv(NodeKind::Conv2D, "conv1", b.input(), 3, c, 3, 2, relu6);
  // Table 2 of the paper: expansion t, output channels, repeats n, first stride s.
  struct Stage { int t, c, n, s; };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int block = 0;
  for (const Stage& st : stages) {
    const int out = roundChannels(float(st.c) * o.alpha);
    for (int i = 0; i < st.n; ++i, ++block) {
      const std::string id = "block_" + std::to_string(block);
      const int stride = i == 0 ? st.s : 1;
      const ValueId blockInput = cur;
      int hidden = c;
      if (st.t != 1) {
        hidden = c * st.t;
        cur = layers.conv(NodeKind::PointwiseConv, id + "_expand", cur, c, hidden, 1, 1, relu6);
      }
      cur = layers.conv(NodeKind::DepthwiseConv, id + "_depthwise", cur, hidden, hidden, 3, stride, relu6);
      cur = layers.conv(NodeKind::PointwiseConv, id + "_project", cur, hidden, out, 1, 1, linear);
      if (stride == 1 && c == out) cur = layers.op(NodeKind::Add, id + "_add", {blockInput, cur});
      c = out;
    }
  }
  const int last = o.alpha > 1.0f ? roundChannels(1280 * o.alpha) : 1280;
  cur = layers.conv(NodeKind::PointwiseConv, "conv_last", cur, c, last, 1, 1, relu6);
  layers.head(cur, last, o.classes, o.softmax);
  return ModelAccess::model(b.finish());
}

}  // namespace mobilevk
