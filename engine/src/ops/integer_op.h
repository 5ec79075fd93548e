#pragma once
// Integer execution on the GPU (the *_int shaders, shaders/int8.glsl): 8-bit NC4HW4 tensors, four
// channels per uint; a quantized layer's weights packed four 8-bit values per uint, and per output
// channel its requantization scale, int32 bias and weight zero point. Each integer op equals its CPU
// twin (cpu::runInteger<Kind>) bit for bit.
#include <memory>

#include "graph/graph.h"
#include "ops/kernel_variants.h"
#include "ops/op.h"

namespace mobilevk {

// How the integer convolutions that sum over channels form their inner products
// (NetworkOptions::DotProduct resolved): packed 4x8-bit dot products (the *_dot shaders), or plain.
enum class InnerProduct { Plain, PackedDot };

// A quantized layer's weights and per-channel parameters on the device, shared by every frame's op.
struct IntegerWeights {
  Buffer weights;   // packed bytes (see packIntegerWeights)
  Buffer channels;  // one shaders/int8.glsl Channel per output channel, padded to a multiple of 4
  InnerProduct innerProduct = InnerProduct::Plain;  // the layout of `weights` and the shader to run
  // Packs and uploads (through `uploads`) the node's integers.
  static std::shared_ptr<const IntegerWeights> create(Gpu& gpu, const Node& node, Gpu::UploadBatch& uploads,
                                                      InnerProduct innerProduct);
};

// Device weight layouts, one byte per value (the file's own uint8 or int8), four per uint:
//   Conv2D: [Cout4 * 4][kH][kW][Cin4] (4 input channels per uint);
//   PointwiseConv, FullyConnected, plain: [Cout4][Cin4 * 4] (4 output channels per uint: a vec4
//   multiply-add per input channel, as the float layout); packed dot: [Cout4 * 4][Cin4] (4 input
//   channels per uint, the operand of a 4x8-bit dot product with a word of the input);
//   DepthwiseConv: [C4][kH][kW] (4 channels per uint).
// Lanes past the real channel counts hold the weight zero point, so they add nothing.
std::vector<uint32_t> packIntegerWeights(const Node& node, InnerProduct innerProduct);

class IntegerOp : public GpuOp {
 protected:
  IntegerOp(Gpu& gpu, const Node& node);
  // The pipeline of an integer shader: 8-bit texel reads (R8G8B8A8_UINT); with a packed dot product,
  // its _dot variant, which reads whole words (R32_UINT).
  PipelineDesc integerPipelineDesc(const ShaderInterface& interface, std::vector<uint32_t> spec,
                                   InnerProduct innerProduct = InnerProduct::Plain) const;
  std::string name_;
  ConvDesc desc_;  // kinds with weights: shape, window and name (no weights); empty for the others
  QuantizedLayer quant_;  // tensors' quantization and activation range (no weights)
  int32_t isSigned_ = 0;
};

// The conv-like integer ops: bindings 2 and 3 are the packed weights and the channel parameters.
class IntegerWeightedOp : public IntegerOp {
 public:
  Shape outputShape(const Shape& input) const override { return convOutputShape(desc_, convKind_, input); }
  WindowGeometry window(const Shape& input) const override { return resolveWindow(desc_.name, input, desc_.window); }
  uint64_t weightBytes() const { return weights_->weights.size() + weights_->channels.size(); }

 protected:
  IntegerWeightedOp(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights);
  void bindBuffers(const OpBinding& b) { GpuOp::bindBuffers(b, {weights_->weights, weights_->channels}); }
  PipelineDesc weightedPipelineDesc(const ShaderInterface& interface, std::vector<uint32_t> spec) const {
    return integerPipelineDesc(interface, std::move(spec), weights_->innerProduct);
  }
  ConvKind convKind_;
  std::shared_ptr<const IntegerWeights> weights_;
};

// The integer 1x1 convolution, which also runs FullyConnected (ops/pointwise_conv.cpp).
std::unique_ptr<GpuOp> makeIntegerMatrixOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                           const KernelVariant* variant);

}  // namespace mobilevk
