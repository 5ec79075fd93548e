// MEAN over height and width: global average pooling in float; XNNPACK's integer mean (onto the
// output's own grid) in integer execution.
#include "ops/global_avg_pool.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct IntegerPush {
  int32_t batch, pixels, c4, c, inputZeroPoint, outputZeroPoint, actMin, actMax, isSigned;
  float scale;
};
const ShaderInterface kIntegerInterface{shader::mean_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

class IntegerMean : public IntegerOp {
 public:
  IntegerMean(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Mean (integer)"; }
  Shape outputShape(const Shape& in) const override { return {in.n, 1, 1, in.c}; }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    bindBuffers(b);
    const float scale = meanScale(quant_.input, quant_.output, in.h * in.w, name_);
    const IntegerPush p{in.n, in.h * in.w, in.channelGroups(), in.c, quant_.input.zeroPoint, quant_.output.zeroPoint,
                        quant_.activationMin, quant_.activationMax, isSigned_, scale};
    setDispatch(p, uint32_t(in.channelGroups()), uint32_t(in.n), 1);
  }
};

}  // namespace

static std::unique_ptr<GpuOp> floatOpMean(Gpu& gpu, const Node&, Precision precision, const std::shared_ptr<const PackedWeights>&,
                                     const KernelVariant*) {
  return std::make_unique<GlobalAvgPool>(gpu, precision);
}

static std::unique_ptr<GpuOp> integerOpMean(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&,
                                            const KernelVariant*) {
  return std::make_unique<IntegerMean>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpMean(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpMean(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpMean(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
