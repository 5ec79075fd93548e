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
  int32_t padTop, padLeft;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::conv2d, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
// Register block per invocation: 4 adjacent output pixels x 8 output channels.
constexpr uint32_t kPx = 4, kOcb = 2;
}  // namespace

Conv2D::Conv2D(Gpu& gpu, ConvDesc desc, Precision precision)
    : Conv2D(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Standard, precision)) {}

Conv2D::Conv2D(Gpu& gpu, std::shared_ptr<const PackedWeights> weights)
    : WeightedOp(gpu, std::move(weights), ConvKind::Standard) {
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {8, 8, 1, kPx, kOcb}));
}

void Conv2D::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  const WindowGeometry& g = b.window;
  const auto& w = desc_.window;
  Push p{in.n, in.h, in.w, in.channelGroups(), out.h, out.w, out.channelGroups(), out.c,
         w.kernelH, w.kernelW, w.strideY, w.strideX, g.padTop, g.padLeft, desc_.activation.min, desc_.activation.max};
  setDispatch(p, (uint32_t(out.w) + kPx - 1) / kPx, uint32_t(out.h),
              uint32_t(out.n) * ((uint32_t(out.channelGroups()) + kOcb - 1) / kOcb));
}

std::unique_ptr<GpuOp> makeGpuOpConv2D(Gpu& gpu, const Node&, Precision, const std::shared_ptr<const PackedWeights>& weights) {
  return std::make_unique<Conv2D>(gpu, weights);
}

namespace {

struct IntegerPush {
  int32_t batch, inH, inW, inC4, outH, outW, outC4, outC;
  int32_t kH, kW, strideY, strideX, padTop, padLeft;
  int32_t inZero, outZero, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{
    shader::conv2d_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */,
     BindingType::Storage /* channels */},
    sizeof(IntegerPush)};

constexpr uint32_t kOutX = 4;  // adjacent outputs per invocation sharing each weight fetch

class IntegerConv2D : public IntegerWeightedOp {
 public:
  IntegerConv2D(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights)
      : IntegerWeightedOp(gpu, node, std::move(weights)) {
    pipeline_ = gpu.pipeline(weightedPipelineDesc(kIntegerInterface, {8, 8, 1, kOutX, uint32_t(isSigned_)}));
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
                        quant_.input.zeroPoint, quant_.output.zeroPoint, quant_.activationMin, quant_.activationMax,
                        isSigned_};
    setDispatch(p, (uint32_t(out.w) + kOutX - 1) / kOutX, uint32_t(out.h), uint32_t(out.n * out.channelGroups()));
  }
};

}  // namespace

std::unique_ptr<GpuOp> makeIntegerGpuOpConv2D(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights) {
  return std::make_unique<IntegerConv2D>(gpu, node, weights);
}

}  // namespace mobilevk
