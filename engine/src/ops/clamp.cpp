// A standalone activation (graph/op_list.h's Clamp): float and integer.
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t planes, pixels, c4, c;
  float lo, hi;
};
const ShaderInterface kInterface{shader::clamp, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};

class Clamp : public GpuOp {
 public:
  Clamp(Gpu& gpu, const Activation& activation, Precision precision) : GpuOp(gpu, precision), activation_(activation) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Clamp"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    bindBuffers(b);
    const Push p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, activation_.min, activation_.max};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }

 private:
  Activation activation_;
};

struct IntegerPush {
  int32_t planes, pixels, c4, c, actMin, actMax, zeroPoint, isSigned;
};
const ShaderInterface kIntegerInterface{shader::clamp_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

class IntegerClamp : public IntegerOp {
 public:
  IntegerClamp(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Clamp (integer)"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    bindBuffers(b);
    const IntegerPush p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, quant_.activationMin, quant_.activationMax,
                        quant_.output.zeroPoint, isSigned_};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpClamp(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerClamp>(gpu, r.node);
  return std::make_unique<Clamp>(gpu, r.node.elementwise().activation, r.precision);
}

}  // namespace mobilevk
