#include "ops/add.h"

#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
constexpr uint32_t kWorkgroup = 64;

struct Push {
  int32_t planes, pixels, c4, c;
  float lo, hi;
};
const ShaderInterface kInterface{
    shader::add, {BindingType::Texel /* a */, BindingType::Storage /* output */, BindingType::Texel /* b */}, sizeof(Push)};

void checkSameShapes(const char* op, const OpBinding& b) {
  if (b.moreInputShapes.size() != 1)
    throw Error(ErrorCode::Internal, std::string(op) + " bound with " + std::to_string(b.moreInputShapes.size() + 1) + " inputs, expected 2");
  if (b.moreInputShapes[0] != b.inputShape || b.outputShape != b.inputShape)
    throw Error(ErrorCode::InvalidArgument, std::string(op) + ": inputs " + b.inputShape.str() + " and " + b.moreInputShapes[0].str() +
                " -> output " + b.outputShape.str() + " (one shape for all three)");
}
}  // namespace

Add::Add(Gpu& gpu, const Activation& activation, Precision precision) : GpuOp(gpu, precision), activation_(activation) {
  requirePrecision(gpu, precision);
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {kWorkgroup, 1, 1}));
}

void Add::bind(const OpBinding& b) {
  checkSameShapes(kind(), b);
  bindInputs(b);
  const Shape& s = b.inputShape;
  const Push p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, activation_.min, activation_.max};
  setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
}

static std::unique_ptr<GpuOp> floatOpAdd(Gpu& gpu, const Node& node, Precision precision, const std::shared_ptr<const PackedWeights>&,
                                    const KernelVariant*) {
  return std::make_unique<Add>(gpu, node.elementwise().activation, precision);
}

namespace {

struct IntegerPush {
  int32_t planes, pixels, c4, c;
  int32_t aMultiplier, bMultiplier, bias, shift, outputZeroPoint, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{
    shader::add_int, {BindingType::Texel /* a */, BindingType::Storage /* output */, BindingType::Texel /* b */}, sizeof(IntegerPush)};

class IntegerAdd : public IntegerOp {
 public:
  IntegerAdd(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    if (quant_.otherInputs.size() != 1) throw Error(ErrorCode::Internal, "Add '" + node.name + "' has no grid for its second input");
    if (quant_.otherInputs[0].type != quant_.input.type || quant_.output.type != quant_.input.type)
      throw Error(ErrorCode::Unsupported, "Add '" + node.name + "': inputs " + quant_.input.str() + " and " +
                  quant_.otherInputs[0].str() + ", output " + quant_.output.str() + " (integer ADD keeps one 8-bit type)");
    params_ = addParams(quant_.input, quant_.otherInputs[0], quant_.output, quant_.activationMin, quant_.activationMax, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {kWorkgroup, 1, 1}));
  }
  const char* kind() const override { return "Add (integer)"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    checkSameShapes(kind(), b);
    bindInputs(b);
    const Shape& s = b.inputShape;
    const IntegerPush p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, params_.aMultiplier, params_.bMultiplier,
                        params_.bias, params_.shift, params_.outputZeroPoint, params_.activationMin, params_.activationMax,
                        isSigned_};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }

 private:
  AddParams params_;
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpAdd(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&, const KernelVariant*) {
  return std::make_unique<IntegerAdd>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpAdd(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpAdd(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpAdd(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
