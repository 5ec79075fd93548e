// Max pooling (TFLite MAX_POOL_2D): a window over H and W per channel, with the fused activation.
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"
#include "shader_names.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  WindowPushHead head;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::max_pool, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};

class MaxPool2D : public GpuOp {
 public:
  MaxPool2D(Gpu& gpu, const Node& node, Precision precision)
      : GpuOp(gpu, precision), name_(node.name), window_(node.pool().window), activation_(node.pool().activation) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {8, 8, 1}));
  }
  const char* kind() const override { return "MaxPool2D"; }
  WindowGeometry window(const Shape& in) const override { return resolveWindow(name_, in, window_); }
  Shape outputShape(const Shape& in) const override { return windowOutputShape(name_, in, window_); }
  void bind(const OpBinding& b) override {
    const Shape& out = b.outputShape;
    bindBuffers(b);
    const Push p{windowPushHead(b, window_), activation_.min, activation_.max};
    setDispatch(p, uint32_t(out.w), uint32_t(out.h), uint32_t(out.n * out.channelGroups()));
  }

 private:
  std::string name_;
  WindowParams window_;
  Activation activation_;
};

}  // namespace

static std::unique_ptr<GpuOp> floatOpMaxPool2D(Gpu& gpu, const Node& node, Precision precision,
                                          const std::shared_ptr<const PackedWeights>&, const KernelVariant*) {
  return std::make_unique<MaxPool2D>(gpu, node, precision);
}

namespace {

struct IntegerPush {
  WindowPushHead head;
  int32_t zeroPoint, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{shader::max_pool_int,
                                        {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

class IntegerMaxPool2D : public IntegerOp {
 public:
  IntegerMaxPool2D(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), window_(node.pool().window) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {8, 8, 1}));
  }
  const char* kind() const override { return "MaxPool2D (integer)"; }
  WindowGeometry window(const Shape& in) const override { return resolveWindow(name_, in, window_); }
  Shape outputShape(const Shape& in) const override { return windowOutputShape(name_, in, window_); }
  void bind(const OpBinding& b) override {
    const Shape& out = b.outputShape;
    bindBuffers(b);
    const IntegerPush p{windowPushHead(b, window_), quant_.input.zeroPoint, quant_.activationMin,
                        quant_.activationMax, isSigned_};
    setDispatch(p, uint32_t(out.w), uint32_t(out.h), uint32_t(out.n * out.channelGroups()));
  }

 private:
  WindowParams window_;
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpMaxPool2D(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&, const KernelVariant*) {
  return std::make_unique<IntegerMaxPool2D>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpMaxPool2D(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpMaxPool2D(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpMaxPool2D(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
