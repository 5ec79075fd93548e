#pragma once
// The rows of graph/op_list.h as data: what each kind is called, whether it carries weights (and
// which convolution they describe), how many inputs it reads, where it runs, how its output shape
// follows from its inputs, and its CPU references; every place that used to switch on the kind
// reads them. The GPU side of each row (which op class records it) is ops/gpu_op_table.cpp, kept
// apart so that this description stays free of Vulkan.
#include <optional>
#include <vector>

#include "graph/graph.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

using HostInputs = std::vector<const HostTensor*>;
using HostOutputs = std::vector<HostTensor>;
using QuantizedInputs = std::vector<const QuantizedTensor*>;

enum class Placement { Device, Host };
constexpr int kVariadic = -1;  // the Inputs of a kind that reads one or more values

struct OpKindInfo {
  NodeKind kind;
  const char* name;
  std::optional<ConvKind> conv;  // the weight layout, for kinds that carry weights
  int inputs;                    // input values a node of the kind reads (kVariadic: one or more)
  Placement placement;
  // One shape per output (most kinds have one).
  std::vector<Shape> (*outputShapes)(const Node& node, const std::vector<Shape>& inputs);
  HostOutputs (*reference)(const Node& node, const HostInputs& inputs);  // one tensor per output
  QuantizedTensor (*integerReference)(const Node& node, const QuantizedInputs& inputs);
};

const OpKindInfo& opKind(NodeKind kind);

}  // namespace mobilevk
