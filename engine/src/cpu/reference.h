#pragma once
// The CPU reference path: plain loops over NHWC float tensors, the ground truth every GPU result
// is checked against. Sums are accumulated in double, so the reference's own rounding error
// (~1e-16 relative per term) is negligible next to the GPU's float32 accumulation, and any
// difference a test sees is the GPU's.
#include "mobilevk/tensor.h"
#include "graph/graph.h"
#include "graph/layer.h"
#include "graph/op_table.h"

namespace mobilevk::cpu {

HostTensor conv2d(const HostTensor& in, const ConvDesc& d);
HostTensor depthwiseConv(const HostTensor& in, const ConvDesc& d);
HostTensor pointwiseConv(const HostTensor& in, const ConvDesc& d);
HostTensor fullyConnected(const HostTensor& in, const ConvDesc& d);
HostTensor globalAvgPool(const HostTensor& in);
HostTensor softmax(const HostTensor& in);
HostTensor add(const HostTensor& a, const HostTensor& b, const Activation& activation);

// Each node kind's reference as the op table calls it (one per row of graph/op_list.h, defined
// beside the function above that it forwards to).
// What a kind's reference returns: its one output, or, for a kind with several, all of them.
template <NodeKind K>
struct ReferenceResult {
  using type = HostTensor;
};
template <>
struct ReferenceResult<NodeKind::DetectionPostProcess> {
  using type = HostOutputs;
};
template <>
struct ReferenceResult<NodeKind::PosenetDecoder> {
  using type = HostOutputs;
};
#define MVK_CPU_RUN(kind, ...) ReferenceResult<NodeKind::kind>::type run##kind(const Node& node, const HostInputs& inputs);
MVK_OP_KINDS(MVK_CPU_RUN)
#undef MVK_CPU_RUN

// Each node kind's integer twin: TFLite's runtime arithmetic on the node's quantized integers
// (Node::quant), in plain integer code; the GPU integer path must equal it bit for bit.
#define MVK_CPU_RUN_INTEGER(kind, ...) \
  QuantizedTensor runInteger##kind(const Node& node, const QuantizedInputs& inputs);
MVK_OP_KINDS(MVK_CPU_RUN_INTEGER)
#undef MVK_CPU_RUN_INTEGER

// The node's quantized layer, checked against its input, or an error naming the node.
const QuantizedLayer& quantizedLayerOf(const Node& node, const QuantizedTensor& in);

// Calls tap(iy, ix, ky, kx) for every position of output (oy, ox)'s window that lies inside the
// input: padding contributes nothing (zero in float; the zero point, so zero, in integers).
template <class Tap>
void forEachTap(const WindowParams& w, const WindowGeometry& g, const Shape& s, int oy, int ox, Tap&& tap) {
  for (int ky = 0; ky < w.kernelH; ++ky) {
    const int iy = oy * w.strideY - g.padTop + ky * w.dilationY;
    if (iy < 0 || iy >= s.h) continue;
    for (int kx = 0; kx < w.kernelW; ++kx) {
      const int ix = ox * w.strideX - g.padLeft + kx * w.dilationX;
      if (ix >= 0 && ix < s.w) tap(iy, ix, ky, kx);
    }
  }
}

// Applies the clamp activation to one value (shared by the conv-like references).
inline float activate(double v, const Activation& a) {
  float f = float(v);
  return f < a.min ? a.min : (f > a.max ? a.max : f);
}

}  // namespace mobilevk::cpu

namespace mobilevk {

// A whole quantized graph in integers (every node must have Node::quant): the integer twin of
// runReference.
QuantizedTensor runIntegerReference(const Graph& graph, const QuantizedTensor& input,
                                    std::vector<QuantizedTensor>* layerOutputs = nullptr);
std::vector<HostTensor> runReferenceOutputs(const Graph& graph, const HostTensor& input,
                                            std::vector<HostTensor>* layerOutputs = nullptr);
// Runs the graph's host nodes (the op table's Placement::Host) in order on `values` (one per value
// of the graph, those they read already computed), writing their outputs into it.
void runHostNodes(const Graph& graph, std::vector<HostTensor>& values);

std::vector<QuantizedTensor> runIntegerReferenceOutputs(const Graph& graph, const QuantizedTensor& input,
                                                        std::vector<QuantizedTensor>* layerOutputs = nullptr);

}  // namespace mobilevk
