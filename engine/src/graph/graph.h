#pragma once
// The network as mobilevk executes it: a chain of nodes, each consuming the previous node's output
// (MobileNetV1 and every model mobilevk imports are chains; importers refuse branching graphs).
// Batch norm is already folded into conv weights and bias, activations into each conv's clamp.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "mobilevk/model.h"
#include "graph/layer.h"
#include "graph/op_list.h"
#include "graph/quantization.h"

namespace mobilevk {

// What each kind is and does is declared once, in graph/op_list.h.
#define MVK_NODE_KIND(kind, weights, outputShape) kind,
enum class NodeKind { MVK_OP_KINDS(MVK_NODE_KIND) };
#undef MVK_NODE_KIND
#define MVK_COUNT_ONE(kind, weights, outputShape) +1
constexpr size_t kNodeKindCount = 0 MVK_OP_KINDS(MVK_COUNT_ONE);
#undef MVK_COUNT_ONE

// Shorthands for the op table's rows (graph/op_table.h).
const char* nodeKindName(NodeKind k);
bool hasWeights(NodeKind k);
ConvKind convKindOf(NodeKind k);  // only for nodes with weights

struct Node {
  NodeKind kind = NodeKind::Conv2D;
  std::string name;
  // Weights, window and activation for kinds with weights; window and activation alone for
  // windowed kinds without (pools); unused otherwise.
  ConvDesc conv;
  // A quantized file's own integers for this layer (graph/quantization.h): what integer execution
  // runs. Absent for float layers.
  std::optional<QuantizedLayer> quant;
};

struct Graph {
  std::string name, format;
  InputSpec input;
  std::vector<Node> nodes;
  // Why a quantized file cannot run in integers ("" when it can, or when it is not quantized).
  std::string integerProblem;

  Shape inputShape(int batch) const { return {batch, input.height, input.width, input.channels}; }
  // Every node carries its quantized integers (a quantized file): integer execution can run it.
  bool integerExecutable() const {
    for (const auto& n : nodes)
      if (!n.quant) return false;
    return !nodes.empty();
  }
  // Output shape of every node for a batch size; throws naming the first node that does not fit.
  std::vector<Shape> inferShapes(int batch) const;
  // Checks weights, shapes and that the graph is non-empty; throws with the model name.
  void validate() const;
};

// Applies to a node whose output goes through an activation: narrows its clamp (used by importers
// to fuse ReLU/ReLU6 layers and quantized output ranges into the producing conv).
void fuseClamp(Node& n, float lo, float hi);

}  // namespace mobilevk
