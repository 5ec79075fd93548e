#include "ops/integer_op.h"

#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

uint32_t packLanes(const int32_t v[4]) {
  uint32_t word = 0;
  for (int l = 0; l < 4; ++l) word |= (uint32_t(v[l]) & 0xFFu) << (8 * l);
  return word;
}

const QuantizedLayer& requireQuant(const Node& node) {
  if (!node.quant)
    throw Error(ErrorCode::Unsupported, std::string(nodeKindName(node.kind)) + " '" + node.name +
                "' has no quantized integers: integer execution cannot run it");
  return *node.quant;
}

// Output channel o's bias with the terms that do not depend on x folded in (int32 arithmetic wraps
// in the shader, and the exact total fits, so this wraps the same way), a tap in the spatial padding
// reading xz. Convolutions that sum over channels: bias - xz * sum w + K * xz * wz over the
// K = taps * 4 * Cin4 lanes (padding lanes hold wz). Depthwise: bias - xz * sum (w - wz) over the taps.
int32_t foldedBias(const Node& node, const QuantizedLayer& q, int o) {
  const int64_t xz = q.input.zeroPoint, wz = q.weightZeroPointOf(o);
  const int64_t bias = q.bias.empty() ? 0 : q.bias[size_t(o)];
  const int64_t taps = convKindOf(node.kind) == ConvKind::Pointwise || convKindOf(node.kind) == ConvKind::FullyConnected
                           ? 1
                           : int64_t(node.conv().window.kernelH) * node.conv().window.kernelW;
  int64_t folded = bias;
  if (node.kind == NodeKind::DepthwiseConv) {
    const int channels = node.conv().outChannels;
    for (int64_t t = 0; t < taps; ++t) folded -= xz * (q.weights[size_t(t * channels + o)] - wz);
  } else {
    const int64_t in = node.conv().inChannels, lanes = taps * ((in + 3) / 4) * 4;
    int64_t sumW = (lanes - taps * in) * wz;
    for (int64_t i = 0; i < taps * in; ++i) sumW += q.weights[size_t(o * taps * in + i)];
    folded += -xz * sumW + lanes * xz * wz;
  }
  return int32_t(uint32_t(uint64_t(folded)));
}

}  // namespace

std::vector<uint32_t> packIntegerWeights(const Node& node, InnerProduct innerProduct) {
  const QuantizedLayer& q = requireQuant(node);
  const ConvDesc& d = node.conv();
  const int kH = d.window.kernelH, kW = d.window.kernelW;
  std::vector<uint32_t> packed;
  if (node.kind == NodeKind::DepthwiseConv) {
    const int c = d.inChannels, c4 = (c + 3) / 4;
    for (int g = 0; g < c4; ++g)
      for (int ky = 0; ky < kH; ++ky)
        for (int kx = 0; kx < kW; ++kx) {
          int32_t lanes[4];
          for (int l = 0; l < 4; ++l) {
            const int ch = 4 * g + l;
            lanes[l] = ch < c ? q.weights[(size_t(ky) * kW + kx) * c + ch] : 0;
          }
          packed.push_back(packLanes(lanes));
        }
    return packed;
  }
  const int in = d.inChannels, in4 = (in + 3) / 4, out4 = (d.outChannels + 3) / 4;
  const bool matrix = convKindOf(node.kind) == ConvKind::Pointwise || convKindOf(node.kind) == ConvKind::FullyConnected;
  if (matrix && innerProduct == InnerProduct::Plain) {
    for (int o4 = 0; o4 < out4; ++o4)
      for (int i = 0; i < in4 * 4; ++i) {
        int32_t lanes[4];
        for (int l = 0; l < 4; ++l) {
          const int o = 4 * o4 + l;
          lanes[l] = o < d.outChannels ? (i < in ? q.weights[size_t(o) * in + i] : q.weightZeroPointOf(o)) : 0;
        }
        packed.push_back(packLanes(lanes));
      }
    return packed;
  }
  for (int o = 0; o < out4 * 4; ++o)
    for (int ky = 0; ky < kH; ++ky)
      for (int kx = 0; kx < kW; ++kx)
        for (int i4 = 0; i4 < in4; ++i4) {
          int32_t lanes[4];
          for (int l = 0; l < 4; ++l) {
            const int i = 4 * i4 + l;
            lanes[l] = o < d.outChannels ? (i < in ? q.weights[((size_t(o) * kH + ky) * kW + kx) * in + i]
                                                   : q.weightZeroPointOf(o))
                                         : 0;
          }
          packed.push_back(packLanes(lanes));
        }
  return packed;
}

std::shared_ptr<const IntegerWeights> IntegerWeights::create(Gpu& gpu, const Node& node, Gpu::UploadBatch& uploads,
                                                             InnerProduct innerProduct) {
  const QuantizedLayer& q = requireQuant(node);
  if (q.weightType != q.input.type)
    throw Error(ErrorCode::Unsupported, std::string(nodeKindName(node.kind)) + " '" + node.name + "': " +
                (q.weightType == QuantType::Int8 ? "int8" : "uint8") + " weights with " + q.input.str() +
                " activations are not executed in integers");
  auto w = std::make_shared<IntegerWeights>();
  w->innerProduct = node.kind == NodeKind::DepthwiseConv ? InnerProduct::Plain : innerProduct;
  const std::vector<uint32_t> packed = packIntegerWeights(node, w->innerProduct);
  std::vector<uint8_t> bytes(packed.size() * 4);
  std::memcpy(bytes.data(), packed.data(), bytes.size());
  w->weights = Buffer(gpu, bytes.size(), MemoryUsage::Device, "integer weights of " + node.name);
  uploads.add(w->weights, std::move(bytes));

  struct Channel {
    float scale;
    int32_t bias, weightZero, foldedBias;
  };
  const int out = node.conv().outChannels;
  std::vector<Channel> channels(size_t((out + 3) / 4) * 4, Channel{1.0f, 0, 0, 0});
  const std::vector<float> scales = q.requantizationScales(out, node.name);
  for (int o = 0; o < out; ++o)
    channels[size_t(o)] = {scales[size_t(o)], q.bias.empty() ? 0 : q.bias[size_t(o)], q.weightZeroPointOf(o),
                           foldedBias(node, q, o)};
  std::vector<uint8_t> channelBytes(channels.size() * sizeof(Channel));
  std::memcpy(channelBytes.data(), channels.data(), channelBytes.size());
  w->channels = Buffer(gpu, channelBytes.size(), MemoryUsage::Device, "requantization of " + node.name);
  uploads.add(w->channels, std::move(channelBytes));
  return w;
}

IntegerOp::IntegerOp(Gpu& gpu, const Node& node)
    : GpuOp(gpu, Precision::FP32), name_(node.name), desc_(hasWeights(node.kind) ? withoutWeights(node.conv()) : ConvDesc{}) {
  const QuantizedLayer& q = requireQuant(node);
  quant_.input = q.input;
  quant_.output = q.output;
  quant_.otherInputs = q.otherInputs;
  quant_.activationMin = q.activationMin;
  quant_.activationMax = q.activationMax;
  isSigned_ = q.input.type == QuantType::Int8 ? 1 : 0;
  int8Storage_ = true;
}

PipelineDesc IntegerOp::integerPipelineDesc(const ShaderInterface& interface, std::vector<uint32_t> spec,
                                            InnerProduct innerProduct) const {
  const bool dot = innerProduct == InnerProduct::PackedDot;
  PipelineDesc d = pipelineDescFor(interface, std::string(interface.shader) + (dot ? "_dot" : ""), std::move(spec));
  d.texelFormat = dot ? VK_FORMAT_R32_UINT : VK_FORMAT_R8G8B8A8_UINT;
  return d;
}

IntegerWeightedOp::IntegerWeightedOp(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights)
    : IntegerOp(gpu, node), convKind_(convKindOf(node.kind)), weights_(std::move(weights)) {
  if (!weights_) throw Error(ErrorCode::Internal, "integer op '" + node.name + "' made without its weights");
}

}  // namespace mobilevk
