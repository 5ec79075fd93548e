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
  const size_t w = first(n.conv.weights), b = first(n.conv.bias);
  if (w < n.conv.weights.size())
    throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': weight " + std::to_string(w) + " is " + std::to_string(n.conv.weights[w]) +
                " (weights must be finite)");
  if (b < n.conv.bias.size())
    throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': bias " + std::to_string(b) + " is " + std::to_string(n.conv.bias[b]) +
                " (biases must be finite)");
  const auto& a = n.conv.activation;
  if (std::isnan(a.min) || std::isnan(a.max) || a.min > a.max)
    throw Error(ErrorCode::InvalidModel, "layer '" + n.name + "': output clamp [" + std::to_string(a.min) + ", " + std::to_string(a.max) +
                "] is not a valid range");
}

}  // namespace

std::vector<Shape> Graph::inferShapes(int batch) const {
  if (batch <= 0) throw Error(ErrorCode::InvalidArgument, "batch size must be positive, got " + std::to_string(batch));
  std::vector<Shape> shapes;
  Shape cur = inputShape(batch);
  checkTensorSize(cur, "the input");
  for (const auto& n : nodes) {
    cur = opKind(n.kind).outputShape(n, cur);
    checkTensorSize(cur, "the output of '" + n.name + "'");
    shapes.push_back(cur);
  }
  return shapes;
}

void Graph::validate() const {
  if (nodes.empty()) throw Error(ErrorCode::InvalidModel, "model '" + name + "' has no layers mobilevk can run");
  if (input.height <= 0 || input.width <= 0 || input.channels <= 0)
    throw Error(ErrorCode::InvalidModel, "model '" + name + "' has an invalid input shape " + std::to_string(input.height) + "x" +
                std::to_string(input.width) + "x" + std::to_string(input.channels));
  try {
    for (const auto& n : nodes)
      if (hasWeights(n.kind)) {
        validateConvDesc(n.conv, convKindOf(n.kind));
        checkFinite(n);
      }
    inferShapes(1);
  } catch (const Error& e) {
    throw Error(e.code(), "model '" + name + "': " + e.what());
  }
}

void fuseClamp(Node& n, float lo, float hi) {
  auto& a = n.conv.activation;
  a.min = std::max(a.min, lo);
  a.max = std::min(a.max, hi);
}

}  // namespace mobilevk
