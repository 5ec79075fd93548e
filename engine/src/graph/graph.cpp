#include "graph/graph.h"

#include "graph/op_table.h"

#include <algorithm>
#include <cmath>

#include "mobilevk/error.h"

namespace mobilevk {

const char* nodeKindName(NodeKind k) { return opKind(k).name; }

bool hasWeights(NodeKind k) { return opKind(k).conv.has_value(); }

ConvKind convKindOf(NodeKind k) {
  const auto& info = opKind(k);
  if (!info.conv) throw Error(ErrorCode::Internal, std::string(info.name) + " has no weights");
  return *info.conv;
}

namespace {
template <class T>
T& paramsAs(Node& n, const char* what) {
  if (std::holds_alternative<std::monostate>(n.params)) n.params = T{};
  if (T* p = std::get_if<T>(&n.params)) return *p;
  throw Error(ErrorCode::Internal, std::string(nodeKindName(n.kind)) + " '" + n.name + "' has no " + what);
}
template <class T>
const T& paramsAs(const Node& n, const char* what) {
  if (const T* p = std::get_if<T>(&n.params)) return *p;
  throw Error(ErrorCode::Internal, std::string(nodeKindName(n.kind)) + " '" + n.name + "' has no " + what);
}
}  // namespace

ConvDesc& Node::conv() { return paramsAs<ConvDesc>(*this, "weights"); }
const ConvDesc& Node::conv() const { return paramsAs<ConvDesc>(*this, "weights"); }
PoolParams& Node::pool() { return paramsAs<PoolParams>(*this, "pooling window"); }
const PoolParams& Node::pool() const { return paramsAs<PoolParams>(*this, "pooling window"); }
ElementwiseParams& Node::elementwise() { return paramsAs<ElementwiseParams>(*this, "elementwise parameters"); }
const ElementwiseParams& Node::elementwise() const { return paramsAs<ElementwiseParams>(*this, "elementwise parameters"); }
ReshapeParams& Node::reshape() { return paramsAs<ReshapeParams>(*this, "target shape"); }
const ReshapeParams& Node::reshape() const { return paramsAs<ReshapeParams>(*this, "target shape"); }
ConcatParams& Node::concat() { return paramsAs<ConcatParams>(*this, "concatenation axis"); }
const ConcatParams& Node::concat() const { return paramsAs<ConcatParams>(*this, "concatenation axis"); }
DetectionParams& Node::detection() { return paramsAs<DetectionParams>(*this, "detection options"); }
const DetectionParams& Node::detection() const { return paramsAs<DetectionParams>(*this, "detection options"); }
PoseParams& Node::pose() { return paramsAs<PoseParams>(*this, "pose decoder options"); }
const PoseParams& Node::pose() const { return paramsAs<PoseParams>(*this, "pose decoder options"); }
PadParams& Node::pad() { return paramsAs<PadParams>(*this, "paddings"); }
const PadParams& Node::pad() const { return paramsAs<PadParams>(*this, "paddings"); }
ResizeParams& Node::resize() { return paramsAs<ResizeParams>(*this, "output size"); }
const ResizeParams& Node::resize() const { return paramsAs<ResizeParams>(*this, "output size"); }

const Activation* Node::activation() const {
  if (const auto* c = std::get_if<ConvDesc>(&params)) return &c->activation;
  if (const auto* p = std::get_if<PoolParams>(&params)) return &p->activation;
  if (const auto* e = std::get_if<ElementwiseParams>(&params)) return &e->activation;
  return nullptr;
}
Activation* Node::activation() { return const_cast<Activation*>(static_cast<const Node*>(this)->activation()); }

WindowParams Node::window() const {
  if (const auto* c = std::get_if<ConvDesc>(&params)) return c->window;
  if (const auto* p = std::get_if<PoolParams>(&params)) return p->window;
  return {};
}

namespace {
// Shaders index tensors with 32-bit ints (in vec4 units); refusing anything past 2^31 bytes keeps
// every index computation free of overflow, whatever a file declares.
constexpr uint64_t kMaxTensorBytes = 1ull << 31;

void checkTensorSize(const Shape& s, const std::string& what) {
  if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
    throw Error(ErrorCode::InvalidModel, what + " has shape " + s.str() + " with a non-positive dimension");
  uint64_t bytes = 4;
  for (int d : {s.n, s.h, s.w, (s.c + 3) / 4 * 4}) {
    bytes *= uint64_t(d);
    if (bytes > kMaxTensorBytes)
      throw Error(ErrorCode::Unsupported, what + " of shape " + s.str() + " would need more than " + std::to_string(kMaxTensorBytes >> 20) +
                  " MiB (mobilevk's limit per tensor); " +
                  (s.n == 1 ? std::string("the input resolution is too large") : "use a smaller batch or input resolution"));
  }
}
// A NaN or Inf weight (an overflowing float16, a folded batch norm with variance + epsilon <= 0,
// a broken quantization scale) would make every answer NaN or constant: refuse it at load time.
void checkFinite(const Node& n) {
  auto first = [](const std::vector<float>& v) {
    return size_t(std::find_if(v.begin(), v.end(), [](float x) { return !std::isfinite(x); }) - v.begin());
  };
  if (const auto* d = std::get_if<ConvDesc>(&n.params)) {
    const size_t w = first(d->weights), b = first(d->bias);
    if (w < d->weights.size())
      throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': weight " + std::to_string(w) + " is " + std::to_string(d->weights[w]) +
                  " (weights must be finite)");
    if (b < d->bias.size())
      throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': bias " + std::to_string(b) + " is " + std::to_string(d->bias[b]) +
                  " (biases must be finite)");
  }
  const Activation* a = n.activation();
  if (a && (std::isnan(a->min) || std::isnan(a->max) || a->min > a->max))
    throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': output clamp [" + std::to_string(a->min) + ", " + std::to_string(a->max) +
                "] is not a valid range");
}

}  // namespace

bool Graph::runsOnHost(NodeId n) const { return opKind(nodes.at(size_t(n)).kind).placement == Placement::Host; }

// The host nodes take floats (op_list.h), so only the device part needs integers.
bool Graph::integerExecutable() const {
  if (nodes.empty()) return false;
  for (const auto& v : values)
    if (!v.quant && (v.producer < 0 || !runsOnHost(v.producer))) return false;
  for (size_t n = 0; n < nodes.size(); ++n)
    if (!nodes[n].quant && !runsOnHost(NodeId(n))) return false;
  return true;
}

NodeId Graph::soleConsumer(NodeId n) const {
  const Value& v = values.at(size_t(outputOf(n)));
  return v.consumers.size() == 1 && !v.graphOutput ? v.consumers[0] : -1;
}

std::vector<Shape> Graph::inferShapes(int batch) const {
  if (batch <= 0) throw Error(ErrorCode::InvalidArgument, "batch size must be positive, got " + std::to_string(batch));
  std::vector<Shape> shapes(values.size());
  shapes.at(size_t(inputValue)) = inputShape(batch);
  checkTensorSize(shapes[size_t(inputValue)], "the input");
  std::vector<Shape> in;
  for (const auto& n : nodes) {
    in.clear();
    for (ValueId v : n.inputs) in.push_back(shapes.at(size_t(v)));
    const std::vector<Shape> out = opKind(n.kind).outputShapes(n, in);
    if (out.size() != n.outputs.size())
      throw Error(ErrorCode::InvalidModel, std::string(nodeKindName(n.kind)) + " '" + n.name + "' writes " + std::to_string(n.outputs.size()) +
                  " values; its kind has " + std::to_string(out.size()) + " outputs");
    for (size_t k = 0; k < out.size(); ++k) {
      checkTensorSize(out[k], "the output of '" + n.name + "'");
      shapes.at(size_t(n.outputs[k])) = out[k];
    }
  }
  return shapes;
}

namespace {
std::string valueName(const Graph& g, ValueId v) { return "value " + std::to_string(v) + " ('" + g.values[size_t(v)].name + "')"; }

// One producer per value, each read after it is written (so no cycle), every id in range, the
// arity of each kind, and outputs that are computed values.
void validateTopology(const Graph& g) {
  const auto inRange = [&](ValueId v) { return v >= 0 && size_t(v) < g.values.size(); };
  if (!inRange(g.inputValue)) throw Error(ErrorCode::InvalidModel, "the graph input is not a value");
  std::vector<NodeId> producer(g.values.size(), -1);
  std::vector<bool> written(g.values.size(), false);
  written[size_t(g.inputValue)] = true;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const std::string who = std::string(nodeKindName(n.kind)) + " '" + n.name + "'";
    const int arity = opKind(n.kind).inputs;
    if (arity == kVariadic ? n.inputs.empty() : int(n.inputs.size()) != arity)
      throw Error(ErrorCode::InvalidModel, who + " has " + std::to_string(n.inputs.size()) + " inputs, expected " +
                  (arity == kVariadic ? std::string("one or more") : std::to_string(arity)));
    if (n.outputs.empty()) throw Error(ErrorCode::InvalidModel, who + " writes no value");
    // Device kinds write one value; a host kind's outputs are counted by inferShapes.
    if (n.outputs.size() != 1 && opKind(n.kind).placement == Placement::Device)
      throw Error(ErrorCode::InvalidModel, who + " has " + std::to_string(n.outputs.size()) + " outputs, expected 1");
    for (ValueId v : n.inputs)
      if (inRange(v) && written[size_t(v)] && producer[size_t(v)] >= 0 && opKind(g.nodes[size_t(producer[size_t(v)])].kind).placement == Placement::Host &&
          opKind(n.kind).placement == Placement::Device)
        throw Error(ErrorCode::InvalidModel, who + " runs on the device but reads " + valueName(g, v) +
                    ", which a host node computes (host nodes run after the device part)");
    for (ValueId v : n.inputs) {
      if (!inRange(v)) throw Error(ErrorCode::InvalidModel, who + " reads value " + std::to_string(v) + ", which does not exist");
      if (!written[size_t(v)])
        throw Error(ErrorCode::InvalidModel, who + " reads " + valueName(g, v) +
                    (producer[size_t(v)] < 0 ? " before any node writes it (a cycle, or a value no node produces)"
                                            : " before it is written"));
    }
    for (ValueId v : n.outputs) {
      if (!inRange(v)) throw Error(ErrorCode::InvalidModel, who + " writes value " + std::to_string(v) + ", which does not exist");
      if (v == g.inputValue) throw Error(ErrorCode::InvalidModel, who + " writes the graph input " + valueName(g, v));
      if (producer[size_t(v)] >= 0)
        throw Error(ErrorCode::InvalidModel, valueName(g, v) + " has two producers: '" + g.nodes[size_t(producer[size_t(v)])].name +
                    "' and '" + n.name + "'");
      producer[size_t(v)] = NodeId(i);
      written[size_t(v)] = true;
    }
  }
  if (g.outputs.empty()) throw Error(ErrorCode::InvalidModel, "the graph has no output");
  for (ValueId v : g.outputs) {
    if (!inRange(v)) throw Error(ErrorCode::InvalidModel, "graph output " + std::to_string(v) + " is not a value");
    if (v == g.inputValue) throw Error(ErrorCode::InvalidModel, "graph output " + valueName(g, v) + " is also the graph input");
    if (producer[size_t(v)] < 0) throw Error(ErrorCode::InvalidModel, "graph output " + valueName(g, v) + " is produced by no node");
  }
}
}  // namespace

bool Graph::holdsIndices(ValueId v) const {
  const NodeId p = values.at(size_t(v)).producer;
  return p >= 0 && nodes.at(size_t(p)).kind == NodeKind::ArgMax;
}

void Graph::validate() const {
  if (nodes.empty()) throw Error(ErrorCode::InvalidModel, "model '" + name + "' has no layers mobilevk can run");
  if (input.height <= 0 || input.width <= 0 || input.channels <= 0)
    throw Error(ErrorCode::InvalidModel, "model '" + name + "' has an invalid input shape " + std::to_string(input.height) + "x" +
                std::to_string(input.width) + "x" + std::to_string(input.channels));
  try {
    validateTopology(*this);
    for (const auto& n : nodes) {
      // Each kind's parameters of its own type (op_list.h): weights, a pooling window, a clamp, or none.
      const bool typed = hasWeights(n.kind) ? std::holds_alternative<ConvDesc>(n.params)
                         : n.kind == NodeKind::MaxPool2D ? std::holds_alternative<PoolParams>(n.params)
                         : n.kind == NodeKind::Add || n.kind == NodeKind::Clamp ? std::holds_alternative<ElementwiseParams>(n.params)
                         : n.kind == NodeKind::Reshape ? std::holds_alternative<ReshapeParams>(n.params)
                         : n.kind == NodeKind::Concatenation ? std::holds_alternative<ConcatParams>(n.params)
                         : n.kind == NodeKind::DetectionPostProcess ? std::holds_alternative<DetectionParams>(n.params)
                         : n.kind == NodeKind::PosenetDecoder ? std::holds_alternative<PoseParams>(n.params)
                         : n.kind == NodeKind::Pad ? std::holds_alternative<PadParams>(n.params)
                         : n.kind == NodeKind::ResizeBilinear ? std::holds_alternative<ResizeParams>(n.params)
                                                                               : std::holds_alternative<std::monostate>(n.params);
      if (!typed) throw Error(ErrorCode::Internal, std::string(nodeKindName(n.kind)) + " '" + n.name + "' has parameters of another kind");
      if (hasWeights(n.kind)) validateConvDesc(n.conv(), convKindOf(n.kind));
      checkFinite(n);
      if (n.kind == NodeKind::DetectionPostProcess) n.detection().options.validate(std::string("DetectionPostProcess '") + n.name + "'");
      if (n.kind == NodeKind::PosenetDecoder) n.pose().options.validate(std::string("PosenetDecoder '") + n.name + "'");
      if (n.kind == NodeKind::DepthwisePointwiseConv) {
        if (!n.second) throw Error(ErrorCode::InvalidModel, "DepthwisePointwiseConv '" + n.name + "' has no pointwise layer");
        validateConvDesc(n.second->pointwise, ConvKind::Pointwise);
      }
    }
    inferShapes(1);
  } catch (const Error& e) {
    throw Error(e.code(), "model '" + name + "': " + e.what());
  }
}

void Graph::resolve() {
  validate();
  const auto shapes = inferShapes(1);
  for (size_t v = 0; v < values.size(); ++v) values[v].shape = shapes[v];
}

void fuseClamp(Node& n, float lo, float hi) {
  Activation* a = n.activation();
  if (!a) throw Error(ErrorCode::Internal, std::string(nodeKindName(n.kind)) + " '" + n.name + "' takes no clamp");
  a->min = std::max(a->min, lo);
  a->max = std::min(a->max, hi);
}

}  // namespace mobilevk
