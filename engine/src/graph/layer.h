#pragma once
// What a convolution-like layer is, apart from any GPU: its weights and window, the checks on
// them, its output shape and its cost. The graph, the importers, the CPU reference and the GPU ops
// all read this one description.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/params.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

// Weights and bias of a convolution-like op, in the host layouts of TFLite:
//   Conv2D:         weights OHWI  [out][kH][kW][in]
//   DepthwiseConv:  weights HWC   [kH][kW][channels]      (channel multiplier 1)
//   PointwiseConv:  weights OI    [out][in]
//   FullyConnected: weights OI    [out][in]
// bias: [out], or empty for none.
struct ConvDesc {
  std::string name;  // for error messages ("conv_pw_3")
  int inChannels = 0, outChannels = 0;
  WindowParams window;  // 1x1, stride 1, no padding for pointwise and fully connected
  Activation activation;
  std::vector<float> weights;
  std::vector<float> bias;
};

// The desc without its weight and bias vectors (no allocation of them kept): what an op that has
// its weights on the device remembers of its layer.
ConvDesc withoutWeights(const ConvDesc& d);

enum class ConvKind { Standard, Depthwise, Pointwise, FullyConnected };
const char* convKindName(ConvKind k);
// Checks weight/bias sizes and kind-specific constraints; throws naming desc.name.
void validateConvDesc(const ConvDesc& d, ConvKind kind);
// Checks that the input's channels match the desc; throws naming desc.name.
void checkInputChannels(const ConvDesc& d, ConvKind kind, const Shape& input);
// Output shape of a convolution-like op (shared by the GPU ops, the CPU reference and the graph).
Shape convOutputShape(const ConvDesc& d, ConvKind kind, const Shape& input);
// Multiply-adds and parameters (weights + bias) of a convolution-like op for one output shape.
uint64_t convMacs(const ConvDesc& d, ConvKind kind, const Shape& output);
uint64_t convParams(const ConvDesc& d);

}  // namespace mobilevk
