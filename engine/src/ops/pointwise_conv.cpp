#include "ops/pointwise_conv.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::pointwise_conv, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
}  // namespace

PointwiseConv::PointwiseConv(Gpu& gpu, ConvDesc desc, Precision precision)
    : PointwiseConv(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Pointwise, precision)) {}

PointwiseConv::PointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights)
    : WeightedOp(gpu, std::move(weights), ConvKind::Pointwise) {
  // Register block: 4 pixels x 8 output channels per invocation (12 fetches feed 128 multiply-adds).
  // On lavapipe every fetch is a per-lane gather, and this block measured fastest among 2-16 pixels
  // x 4-16 channels (see the closing note of the performance issue); GPUs get the same block in
  // 64-invocation workgroups.
  const uint32_t px = 4, ocb = 2;
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {8, 8, 1, px, ocb}));
}

void PointwiseConv::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  const int pixels = in.h * in.w;
  Push p{in.n, pixels, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max};
  const uint32_t px = pipeline_->desc().specialization[3], ocb = pipeline_->desc().specialization[4];
  const uint64_t flat = uint64_t(pixels) * uint64_t(in.n);
  if (flat > uint64_t(INT32_MAX)) throw Error("PointwiseConv '" + desc_.name + "': " + in.str() + " has too many pixels");
  setDispatch(p, uint32_t((flat + px - 1) / px), (uint32_t(out.channelGroups()) + ocb - 1) / ocb, 1);
}

std::unique_ptr<GpuOp> makeGpuOpPointwiseConv(Gpu& gpu, const Node&, Precision, const std::shared_ptr<const PackedWeights>& weights) {
  return std::make_unique<PointwiseConv>(gpu, weights);
}

namespace {

struct IntegerPush {
  int32_t batch, pixels, inC4, outC4, outC;
  int32_t inZero, outZero, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{
    shader::pointwise_conv_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */,
     BindingType::Storage /* channels */},
    sizeof(IntegerPush)};

// Register block as the float op's: 4 pixels x 8 output channels per invocation.
constexpr uint32_t kPixels = 4, kGroups = 2;

// Also runs FullyConnected: a 1x1 convolution of a 1x1 map.
class IntegerPointwiseConv : public IntegerWeightedOp {
 public:
  IntegerPointwiseConv(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights)
      : IntegerWeightedOp(gpu, node, std::move(weights)) {
    pipeline_ = gpu.pipeline(weightedPipelineDesc(kIntegerInterface, {8, 8, 1, kPixels, kGroups, uint32_t(isSigned_)}));
  }
  const char* kind() const override {
    return weights_->innerProduct == InnerProduct::PackedDot ? "PointwiseConv (integer, packed dot)" : "PointwiseConv (integer)";
  }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    const Shape& out = b.outputShape;
    bindBuffers(b);
    const IntegerPush p{in.n, in.h * in.w, in.channelGroups(), out.channelGroups(), out.c, quant_.input.zeroPoint,
                        quant_.output.zeroPoint, quant_.activationMin, quant_.activationMax, isSigned_};
    setDispatch(p, (uint32_t(in.n * in.h * in.w) + kPixels - 1) / kPixels,
                (uint32_t(out.channelGroups()) + kGroups - 1) / kGroups, 1);
  }
};

}  // namespace

std::unique_ptr<GpuOp> makeIntegerMatrixOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights) {
  return std::make_unique<IntegerPointwiseConv>(gpu, node, weights);
}

std::unique_ptr<GpuOp> makeIntegerGpuOpPointwiseConv(Gpu& gpu, const Node& node,
                                                     const std::shared_ptr<const IntegerWeights>& weights) {
  return makeIntegerMatrixOp(gpu, node, weights);
}

}  // namespace mobilevk
