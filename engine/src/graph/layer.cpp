#include "graph/layer.h"

#include "mobilevk/error.h"

namespace mobilevk {

ConvDesc withoutWeights(const ConvDesc& d) {
  ConvDesc shape;
  shape.name = d.name;
  shape.inChannels = d.inChannels;
  shape.outChannels = d.outChannels;
  shape.window = d.window;
  shape.activation = d.activation;
  return shape;
}

const char* convKindName(ConvKind k) {
  switch (k) {
    case ConvKind::Standard: return "Conv2D";
    case ConvKind::Depthwise: return "DepthwiseConv";
    case ConvKind::Pointwise: return "PointwiseConv";
    case ConvKind::FullyConnected: return "FullyConnected";
  }
  return "?";
}

void validateConvDesc(const ConvDesc& d, ConvKind kind) {
  const std::string who = std::string(convKindName(kind)) + " '" + d.name + "'";
  if (d.inChannels <= 0 || d.outChannels <= 0)
    throw Error(who + ": channels " + std::to_string(d.inChannels) + " -> " + std::to_string(d.outChannels) +
                " must be positive");
  const auto& w = d.window;
  if (w.kernelH <= 0 || w.kernelW <= 0 || w.strideY <= 0 || w.strideX <= 0)
    throw Error(who + ": kernel and stride must be positive");
  size_t expected = 0;
  switch (kind) {
    case ConvKind::Standard:
      expected = size_t(d.outChannels) * w.kernelH * w.kernelW * d.inChannels;
      break;
    case ConvKind::Depthwise:
      if (d.inChannels != d.outChannels)
        throw Error(who + ": depthwise needs as many output as input channels (channel multiplier 1), got " +
                    std::to_string(d.inChannels) + " -> " + std::to_string(d.outChannels));
      expected = size_t(w.kernelH) * w.kernelW * d.inChannels;
      break;
    case ConvKind::Pointwise:
    case ConvKind::FullyConnected:
      if (w.kernelH != 1 || w.kernelW != 1 || w.strideY != 1 || w.strideX != 1 ||
          w.padding.kind != Padding::Kind::Explicit || w.padding.top || w.padding.bottom || w.padding.left ||
          w.padding.right)
        throw Error(who + ": must be 1x1, stride 1, unpadded");
      expected = size_t(d.outChannels) * d.inChannels;
      break;
  }
  if (d.weights.size() != expected)
    throw Error(who + ": " + std::to_string(d.weights.size()) + " weights, expected " + std::to_string(expected));
  if (!d.bias.empty() && d.bias.size() != size_t(d.outChannels))
    throw Error(who + ": " + std::to_string(d.bias.size()) + " bias values, expected " + std::to_string(d.outChannels));
  if (!(d.activation.min <= d.activation.max))
    throw Error(who + ": activation clamp [" + std::to_string(d.activation.min) + ", " +
                std::to_string(d.activation.max) + "] is empty");
}

void checkInputChannels(const ConvDesc& d, ConvKind kind, const Shape& input) {
  if (input.c != d.inChannels)
    throw Error(std::string(convKindName(kind)) + " '" + d.name + "': input " + input.str() + " has " +
                std::to_string(input.c) + " channels, weights expect " + std::to_string(d.inChannels));
}

Shape convOutputShape(const ConvDesc& d, ConvKind kind, const Shape& in) {
  const std::string who = std::string(convKindName(kind)) + " '" + d.name + "'";
  if (kind == ConvKind::FullyConnected && (in.h != 1 || in.w != 1))
    throw Error(who + ": input " + in.str() + " must be 1x1 spatially (pool first)");
  checkInputChannels(d, kind, in);
  const auto g = resolveWindow(who, in, d.window);
  return {in.n, g.outH, g.outW, d.outChannels};
}

uint64_t convMacs(const ConvDesc& d, ConvKind kind, const Shape& out) {
  const uint64_t perOutput = uint64_t(d.window.kernelH) * d.window.kernelW * (kind == ConvKind::Depthwise ? 1 : d.inChannels);
  return uint64_t(out.n) * out.h * out.w * out.c * perOutput;
}

uint64_t convParams(const ConvDesc& d) { return d.weights.size() + d.bias.size(); }

}  // namespace mobilevk
