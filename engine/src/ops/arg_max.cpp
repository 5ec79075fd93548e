// ARG_MAX over channels (graph/op_list.h's ArgMax): one invocation per pixel walks the channel
// groups; the output holds the index in lane 0, a float in float execution, the byte of the index
// grid (graph/quantization.h's indexQuant) in integer execution.
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t batch, pixels, c4, c;
};
struct IntegerPush {
  Push shape;
  int32_t isSigned;
};
const ShaderInterface kInterface{shader::arg_max, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};
const ShaderInterface kIntegerInterface{shader::arg_max_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

Push pushOf(const Shape& s) { return {s.n, s.h * s.w, s.channelGroups(), s.c}; }
Shape indexed(const Shape& in) { return {in.n, in.h, in.w, 1}; }

class ArgMax : public GpuOp {
 public:
  ArgMax(Gpu& gpu, Precision precision) : GpuOp(gpu, precision) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "ArgMax"; }
  Shape outputShape(const Shape& in) const override { return indexed(in); }
  void bind(const OpBinding& b) override {
    bindBuffers(b);
    const Shape& s = b.inputShape;
    setDispatch(pushOf(s), uint32_t(s.h * s.w), uint32_t(s.n), 1);
  }
};

class IntegerArgMax : public IntegerOp {
 public:
  IntegerArgMax(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), name_(node.name) {
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "ArgMax (integer)"; }
  Shape outputShape(const Shape& in) const override { return indexed(in); }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    requireIndexGrid(quant_, s.c, "ArgMax '" + name_ + "'");
    bindBuffers(b);
    setDispatch(IntegerPush{pushOf(s), isSigned_}, uint32_t(s.h * s.w), uint32_t(s.n), 1);
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpArgMax(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerArgMax>(gpu, r.node);
  return std::make_unique<ArgMax>(gpu, r.precision);
}

}  // namespace mobilevk
