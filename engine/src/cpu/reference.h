#pragma once
// The CPU reference path: plain loops over NHWC float tensors, the ground truth every GPU result
// is checked against. Sums are accumulated in double, so the reference's own rounding error
// (~1e-16 relative per term) is negligible next to the GPU's float32 accumulation, and any
// difference a test sees is the GPU's.
#include "mobilevk/tensor.h"
#include "graph/graph.h"
#include "graph/layer.h"

namespace mobilevk::cpu {

HostTensor conv2d(const HostTensor& in, const ConvDesc& d);
HostTensor depthwiseConv(const HostTensor& in, const ConvDesc& d);
HostTensor pointwiseConv(const HostTensor& in, const ConvDesc& d);
HostTensor fullyConnected(const HostTensor& in, const ConvDesc& d);
HostTensor globalAvgPool(const HostTensor& in);
HostTensor softmax(const HostTensor& in);

// Each node kind's reference as the op table calls it (one per row of graph/op_list.h, defined
// beside the function above that it forwards to).
#define MVK_CPU_RUN(kind, weights, outputShape) HostTensor run##kind(const Node& node, const HostTensor& in);
MVK_OP_KINDS(MVK_CPU_RUN)
#undef MVK_CPU_RUN

// Applies the clamp activation to one value (shared by the conv-like references).
inline float activate(double v, const Activation& a) {
  float f = float(v);
  return f < a.min ? a.min : (f > a.max ? a.max : f);
}

}  // namespace mobilevk::cpu
