#pragma once
// The rows of graph/op_list.h as data: what each kind is called, whether it carries weights (and
// which convolution they describe), how its output shape follows from its input, and its CPU
// reference; every place that used to switch on the kind reads them. The GPU side of each row
// (which op class records it) is ops/gpu_op_table.cpp, kept apart so that this description stays
// free of Vulkan.
#include <optional>

#include "graph/graph.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

struct OpKindInfo {
  NodeKind kind;
  const char* name;
  std::optional<ConvKind> conv;  // the weight layout, for kinds that carry weights
  Shape (*outputShape)(const Node& node, const Shape& input);
  HostTensor (*reference)(const Node& node, const HostTensor& input);
  QuantizedTensor (*integerReference)(const Node& node, const QuantizedTensor& input);
};

const OpKindInfo& opKind(NodeKind kind);

}  // namespace mobilevk
