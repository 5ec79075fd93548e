#include "ops/conv2d.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, inH, inW, inC4;
  int32_t outH, outW, outC4, outC;
  int32_t kH, kW, strideY, strideX;
  int32_t padTop, padLeft, dilationY, dilationX;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::conv2d, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
}  // namespace

Conv2D::Conv2D(Gpu& gpu, ConvDesc desc, Precision precision, const KernelVariant* variant)
    : Conv2D(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Standard, precision), variant) {}

// Register block per invocation (the variant): adjacent output pixels x groups of 4 output channels.
Conv2D::Conv2D(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant)
    : WeightedOp(gpu, std::move(weights), ConvKind::Standard) {
  chooseVariant("Conv2D", NodeKind::Conv2D, KernelPath::Float, variant);
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {8, 8, 1, variant_->block[0], variant_->block[1]}));
}

void Conv2D::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  const WindowGeometry& g = b.window;
  const auto& w = desc_.window;
  Push p{in.n, in.h, in.w, in.channelGroups(), out.h, out.w, out.channelGroups(), out.c,
         w.kernelH, w.kernelW, w.strideY, w.strideX, g.padTop, g.padLeft, w.dilationY, w.dilationX,
         desc_.activation.min, desc_.activation.max};
  const uint32_t px = variant_->block[0], groups = variant_->block[1];
  setDispatch(p, (uint32_t(out.w) + px - 1) / px, uint32_t(out.h),
              uint32_t(out.n) * ((uint32_t(out.channelGroups()) + groups - 1) / groups));
}

static std::unique_ptr<GpuOp> floatOpConv2D(Gpu& gpu, const Node&, Precision, const std::shared_ptr<const PackedWeights>& weights,
                                       const KernelVariant* variant) {
  return std::make_unique<Conv2D>(gpu, weights, variant);
}

namespace {

struct IntegerPush {
  int32_t batch, inH, inW, inC4, outH, outW, outC4, outC;
  int32_t kH, kW, strideY, strideX, padTop, padLeft, dilationY, dilationX;
  int32_t inZero, outZero, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{
    shader::conv2d_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */,
     BindingType::Storage /* channels */},
    sizeof(IntegerPush)};

// The variant's block: adjacent outputs per invocation sharing each weight fetch.
class IntegerConv2D : public IntegerWeightedOp {
 public:
  IntegerConv2D(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights, const KernelVariant* variant)
      : IntegerWeightedOp(gpu, node, std::move(weights)) {
    chooseVariant("Conv2D (integer)", NodeKind::Conv2D, KernelPath::Integer, variant);
    pipeline_ = gpu.pipeline(weightedPipelineDesc(kIntegerInterface, {8, 8, 1, variant_->block[0], uint32_t(isSigned_)}));
  }
  const char* kind() const override {
    return weights_->innerProduct == InnerProduct::PackedDot ? "Conv2D (integer, packed dot)" : "Conv2D (integer)";
  }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    const Shape& out = b.outputShape;
    bindBuffers(b);
    const auto& w = desc_.window;
    const IntegerPush p{in.n, in.h, in.w, in.channelGroups(), out.h, out.w, out.channelGroups(), out.c,
                        w.kernelH, w.kernelW, w.strideY, w.strideX, b.window.padTop, b.window.padLeft,
                        w.dilationY, w.dilationX, quant_.input.zeroPoint, quant_.output.zeroPoint, quant_.activationMin, quant_.activationMax,
                        isSigned_};
    const uint32_t outX = variant_->block[0];
    setDispatch(p, (uint32_t(out.w) + outX - 1) / outX, uint32_t(out.h), uint32_t(out.n * out.channelGroups()));
  }
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpConv2D(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights, const KernelVariant* variant) {
  return std::make_unique<IntegerConv2D>(gpu, node, weights, variant);
}

std::unique_ptr<GpuOp> makeGpuOpConv2D(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpConv2D(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpConv2D(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
