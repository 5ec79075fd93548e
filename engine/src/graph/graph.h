#pragma once
// The network as mobilevk executes it: values (tensors) and the nodes that produce and consume
// them, in topological order, as in XNNPACK's subgraph. A value knows its producer and consumers;
// a node lists its input and output value ids. Batch norm is already folded into conv weights and
// bias, activations into each conv's clamp. Built through graph/builder.h, validated once.
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mobilevk/model.h"
#include "graph/detection.h"
#include "graph/pose.h"
#include "graph/layer.h"
#include "graph/op_list.h"
#include "graph/quantization.h"

namespace mobilevk {

// What each kind is and does is declared once, in graph/op_list.h.
#define MVK_NODE_KIND(kind, ...) kind,
enum class NodeKind { MVK_OP_KINDS(MVK_NODE_KIND) };
#undef MVK_NODE_KIND
#define MVK_COUNT_ONE(kind, ...) +1
constexpr size_t kNodeKindCount = 0 MVK_OP_KINDS(MVK_COUNT_ONE);
#undef MVK_COUNT_ONE

// Shorthands for the op table's rows (graph/op_table.h).
const char* nodeKindName(NodeKind k);
bool hasWeights(NodeKind k);
ConvKind convKindOf(NodeKind k);  // only for nodes with weights

using ValueId = int;
using NodeId = int;

struct Value {
  std::string name;
  Shape shape;  // at batch 1 (Graph::inferShapes gives it for any batch)
  // Its 8-bit grid in a quantized file (what integer execution stores); absent for float tensors.
  std::optional<TensorQuant> quant;
  NodeId producer = -1;          // -1: the graph input
  std::vector<NodeId> consumers;  // in node order
  bool graphOutput = false;
};

// The parameters of the weightless kinds that have any (the kinds with weights carry a ConvDesc).
struct PoolParams {  // MaxPool2D
  WindowParams window;
  Activation activation;
};
struct ElementwiseParams {  // Add, Clamp
  Activation activation;
};
// RESHAPE: the output's batch-1 shape (its batch follows the input's).
struct ReshapeParams {
  Shape shape;
};
// PAD (constant): rows and columns added around each image, holding zero (the zero point in
// integers).
struct PadParams {
  int top = 0, bottom = 0, left = 0, right = 0;
};
// RESIZE_BILINEAR: the output's height and width, and TFLite's two sampling flags.
struct ResizeParams {
  int height = 1, width = 1;
  bool alignCorners = false, halfPixelCenters = false;
};
// CONCATENATION: the axis of the NHWC shape the inputs are joined along (1 = H, 2 = W, 3 = C).
struct ConcatParams {
  int axis = 3;
};
// TFLite_Detection_PostProcess (graph/detection.h): the options of the custom op and its anchors.
struct DetectionParams {
  DetectionOptions options;
  std::vector<Anchor> anchors;
};
// PosenetDecoderOp (graph/pose.h): the custom op's options.
struct PoseParams {
  PoseOptions options;
};
using NodeParams =
    std::variant<std::monostate, ConvDesc, PoolParams, ElementwiseParams, ReshapeParams, ConcatParams, DetectionParams, PadParams,
                 ResizeParams, PoseParams>;

struct Node {
  NodeKind kind = NodeKind::Conv2D;
  std::string name;
  std::vector<ValueId> inputs, outputs;
  // The kind's parameters: a ConvDesc (weights, window, clamp) for the kinds with weights (the op
  // table's Weights column), PoolParams for MaxPool2D, ElementwiseParams for Add and Clamp, none for
  // GlobalAvgPool, Mean, Softmax and Quantize. Typed access below: the const accessors throw
  // (Internal, naming the node) for parameters of another type; the others also make them where
  // there are none yet (builders).
  NodeParams params;
  ConvDesc& conv();
  const ConvDesc& conv() const;
  PoolParams& pool();
  const PoolParams& pool() const;
  ElementwiseParams& elementwise();
  const ElementwiseParams& elementwise() const;
  ReshapeParams& reshape();
  const ReshapeParams& reshape() const;
  ConcatParams& concat();
  const ConcatParams& concat() const;
  DetectionParams& detection();
  const DetectionParams& detection() const;
  PadParams& pad();
  const PadParams& pad() const;
  ResizeParams& resize();
  const ResizeParams& resize() const;
  PoseParams& pose();
  const PoseParams& pose() const;
  // The clamp of a node whose kind has one (weights, pools, elementwise), or null.
  const Activation* activation() const;
  Activation* activation();
  // The window the node reads its input with (weights, pools), the 1x1 window for the others.
  WindowParams window() const;
  // A quantized file's own integers for this node (graph/quantization.h): what integer execution
  // runs. Its tensors' grids are those of its values (copied by the builder, which the kernels
  // read without a graph at hand). Absent for float nodes.
  std::optional<QuantizedLayer> quant;
  // The fused kinds' second layer (graph/passes.h): DepthwisePointwiseConv's pointwise conv;
  // PointwiseConvAdd's ADD (its clamp, and its integers in `quant`: the conv's output grid, the
  // skip tensor's and the sum's). `quant` above
  // then describes the first layer, whose output grid is that of a value the pass removed.
  struct SecondLayer {
    ConvDesc pointwise;           // DepthwisePointwiseConv
    ElementwiseParams residual;   // PointwiseConvAdd: the ADD's clamp
    std::optional<QuantizedLayer> quant;
  };
  std::optional<SecondLayer> second;
  // The nodes of the graph as imported whose work this node does (a fused node: both), in order;
  // empty for a node of the imported graph itself.
  std::vector<NodeId> sources;
};

struct Graph {
  std::string name, format;
  InputSpec input;
  std::vector<Value> values;
  std::vector<Node> nodes;  // topological: a node's inputs are produced by earlier nodes
  ValueId inputValue = 0;
  std::vector<ValueId> outputs;
  // Why a quantized file cannot run in integers ("" when it can, or when it is not quantized).
  std::string integerProblem;

  Shape inputShape(int batch) const { return {batch, input.height, input.width, input.channels}; }
  // Every node carries its quantized integers and every value its grid (a quantized file):
  // integer execution can run it.
  bool integerExecutable() const;
  // The shape of every value for a batch size; throws naming the first node that does not fit.
  std::vector<Shape> inferShapes(int batch) const;
  // Topology (one producer per value, no cycle, ids in range, arity), weights and shapes; throws
  // with the model name and the node or value at fault.
  void validate() const;
  // validate(), then each value's batch-1 shape (when a graph becomes a Model).
  void resolve();
  // The nodes that run on the host after the device part (the op table's Placement::Host), in order.
  bool runsOnHost(NodeId n) const;
  // True for a value of class indices (ARG_MAX's output): integers, whatever their storage.
  bool holdsIndices(ValueId v) const;
  // The value a node writes (its first output).
  ValueId outputOf(NodeId n) const { return nodes.at(size_t(n)).outputs.at(0); }
  // The node's only consumer when it has exactly one and its output is not a graph output, else -1
  // (what a fusion needs: the intermediate value can vanish).
  NodeId soleConsumer(NodeId n) const;
};

// Narrows the clamp of a node whose kind has one (throws for the others): a conv's own activation
// in the Keras importer, a Clamp folded into its producer (graph/passes.h).
void fuseClamp(Node& n, float lo, float hi);

}  // namespace mobilevk
