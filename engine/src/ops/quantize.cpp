// QUANTIZE between 8-bit grids (a model's uint8 edges around an int8 body): a copy in float
// execution, TFLite's requantization in integer execution.
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t planes, pixels;
};
const ShaderInterface kInterface{shader::quantize, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};

class Quantize : public GpuOp {
 public:
  Quantize(Gpu& gpu, Precision precision) : GpuOp(gpu, precision) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Quantize"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    bindBuffers(b);
    setDispatch(Push{s.n * s.channelGroups(), s.h * s.w}, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }
};

struct IntegerPush {
  int32_t planes, pixels, c4, c;
  int32_t multiplier, leftShift, rightShift, inputZeroPoint, outputZeroPoint, outputMin, outputMax, inputSigned;
  int32_t convert, convertMultiplier, convertBias;
};
const ShaderInterface kIntegerInterface{shader::quantize_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

class IntegerQuantize : public IntegerOp {
 public:
  IntegerQuantize(Gpu& gpu, const Node& node)
      : IntegerOp(gpu, node), convert_(usesConvert(quant_.input, quant_.output)), convertParams_(convertParams(quant_.input, quant_.output)),
        params_(convert_ ? RequantizeParams{{}, quant_.input.zeroPoint, quant_.output.zeroPoint, quant_.output.qmin(), quant_.output.qmax()}
                         : requantizeParams(quant_.input, quant_.output, node.name)) {
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Quantize (integer)"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    bindBuffers(b);
    const int32_t shift = params_.m.shift;
    const IntegerPush p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, params_.m.multiplier,
                        shift > 0 ? shift : 0, shift > 0 ? 0 : -shift, params_.inputZeroPoint, params_.outputZeroPoint,
                        params_.outputMin, params_.outputMax, isSigned_, convert_ ? 1 : 0, convertParams_.multiplier,
                        convertParams_.bias};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }

 private:
  bool convert_;
  ConvertParams convertParams_;
  RequantizeParams params_;
};

}  // namespace

static std::unique_ptr<GpuOp> floatOpQuantize(Gpu& gpu, const Node&, Precision precision, const std::shared_ptr<const PackedWeights>&,
                                         const KernelVariant*) {
  return std::make_unique<Quantize>(gpu, precision);
}

static std::unique_ptr<GpuOp> integerOpQuantize(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&,
                                                const KernelVariant*) {
  return std::make_unique<IntegerQuantize>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpQuantize(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpQuantize(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpQuantize(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
