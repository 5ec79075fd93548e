// LOGISTIC (graph/op_list.h's Logistic): the sigmoid in float; in integers, XNNPACK's 256-entry
// table (graph/quantization.h, logisticTable), built on the host and read by the kernel.
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t planes, pixels, c4, c;
};
const ShaderInterface kInterface{shader::logistic, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};

class Logistic : public GpuOp {
 public:
  Logistic(Gpu& gpu, Precision precision) : GpuOp(gpu, precision) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Logistic"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    bindBuffers(b);
    const Push p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }
};

struct IntegerPush {
  int32_t planes, pixels, c4, c, zeroPoint;
};
const ShaderInterface kIntegerInterface{
    shader::logistic_int, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Storage /* table */},
    sizeof(IntegerPush)};

class IntegerLogistic : public IntegerOp {
 public:
  IntegerLogistic(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    const std::vector<int32_t> table = logisticTable(quant_.input, quant_.output, node.name);
    table_ = Buffer(gpu, table.size() * sizeof(int32_t), MemoryUsage::Device, "logistic table of " + node.name);
    gpu.upload(table_, table.data(), table.size() * sizeof(int32_t));
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Logistic (integer)"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& s = b.inputShape;
    GpuOp::bindBuffers(b, {table_});
    const IntegerPush p{s.n * s.channelGroups(), s.h * s.w, s.channelGroups(), s.c, quant_.output.zeroPoint};
    setDispatch(p, uint32_t(s.h * s.w), uint32_t(s.n * s.channelGroups()), 1);
  }

 private:
  Buffer table_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpLogistic(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerLogistic>(gpu, r.node);
  return std::make_unique<Logistic>(gpu, r.precision);
}

}  // namespace mobilevk
