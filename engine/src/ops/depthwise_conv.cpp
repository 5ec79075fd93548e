#include "ops/depthwise_conv.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include <algorithm>

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, inH, inW, c4;
  int32_t outH, outW, c;
  int32_t padTop, padLeft;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::depthwise_conv, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};

// Outputs per invocation along x (the variant's block), sharing one register window of input
// columns; wide kernels fall back to one output so that the window stays small.
uint32_t depthwiseOutputsPerInvocation(const KernelVariant& variant, const WindowParams& w) {
  constexpr uint32_t kMaxCols = 20;
  const uint32_t outX = variant.block[0];
  return (outX - 1) * uint32_t(w.strideX) + uint32_t(w.spanW()) <= kMaxCols ? outX : 1;
}
}  // namespace

DepthwiseConv::DepthwiseConv(Gpu& gpu, ConvDesc desc, Precision precision, const KernelVariant* variant)
    : DepthwiseConv(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Depthwise, precision), variant) {}

DepthwiseConv::DepthwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant)
    : WeightedOp(gpu, std::move(weights), ConvKind::Depthwise) {
  chooseVariant("DepthwiseConv", NodeKind::DepthwiseConv, KernelPath::Float, variant);
  const auto& w = desc_.window;
  const uint32_t outX = depthwiseOutputsPerInvocation(*variant_, w);
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1, outX, uint32_t(w.kernelH), uint32_t(w.kernelW), uint32_t(w.strideY),
                                                     uint32_t(w.strideX), uint32_t(w.dilationY), uint32_t(w.dilationX)}));
}

void DepthwiseConv::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  const WindowGeometry& g = b.window;
  Push p{in.n, in.h, in.w, in.channelGroups(), out.h, out.w, out.c, g.padTop, g.padLeft, desc_.activation.min,
         desc_.activation.max};
  const uint32_t outX = pipeline_->desc().specialization[3];
  setDispatch(p, (uint32_t(out.w) + outX - 1) / outX * uint32_t(out.h), 1, uint32_t(out.n * out.channelGroups()));
}

static std::unique_ptr<GpuOp> floatOpDepthwiseConv(Gpu& gpu, const Node&, Precision,
                                              const std::shared_ptr<const PackedWeights>& weights, const KernelVariant* variant) {
  return std::make_unique<DepthwiseConv>(gpu, weights, variant);
}

namespace {

struct IntegerPush {
  WindowPushHead head;
  int32_t inZero, outZero, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{
    shader::depthwise_conv_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */,
     BindingType::Storage /* channels */},
    sizeof(IntegerPush)};

class IntegerDepthwiseConv : public IntegerWeightedOp {
 public:
  IntegerDepthwiseConv(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights,
                       const KernelVariant* variant)
      : IntegerWeightedOp(gpu, node, std::move(weights)) {
    chooseVariant("DepthwiseConv (integer)", NodeKind::DepthwiseConv, KernelPath::Integer, variant);
    const auto& w = desc_.window;
    if (w.kernelH * w.kernelW > 256)
      throw Error(ErrorCode::Unsupported, "DepthwiseConv '" + node.name + "': a " + std::to_string(w.kernelH) + "x" +
                  std::to_string(w.kernelW) + " window is over the 256 taps the integer kernel sums exactly");
    const uint32_t outX = depthwiseOutputsPerInvocation(*variant_, w);
    pipeline_ = gpu.pipeline(integerPipelineDesc(
        kIntegerInterface, {64, 1, 1, outX, uint32_t(w.kernelH), uint32_t(w.kernelW), uint32_t(w.strideY),
                            uint32_t(w.strideX), uint32_t(isSigned_), uint32_t(w.dilationY), uint32_t(w.dilationX)}));
  }
  const char* kind() const override { return "DepthwiseConv (integer)"; }
  void bind(const OpBinding& b) override {
    const Shape& out = b.outputShape;
    bindBuffers(b);
    const IntegerPush p{windowPushHead(b, desc_.window), quant_.input.zeroPoint, quant_.output.zeroPoint,
                        quant_.activationMin, quant_.activationMax, isSigned_};
    const uint32_t outX = pipeline_->desc().specialization[3];
    setDispatch(p, (uint32_t(out.w) + outX - 1) / outX * uint32_t(out.h), 1, uint32_t(out.n * out.channelGroups()));
  }
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpDepthwiseConv(Gpu& gpu, const Node& node,
                                                     const std::shared_ptr<const IntegerWeights>& weights, const KernelVariant* variant) {
  return std::make_unique<IntegerDepthwiseConv>(gpu, node, weights, variant);
}

std::unique_ptr<GpuOp> makeGpuOpDepthwiseConv(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpDepthwiseConv(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpDepthwiseConv(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
