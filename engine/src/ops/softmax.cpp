#include "ops/softmax.h"

#include <cmath>

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
const ShaderInterface kInterface{shader::softmax, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};
}  // namespace

Softmax::Softmax(Gpu& gpu, Precision precision) : GpuOp(gpu, precision) {
  requirePrecision(gpu, precision);
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
}

Shape Softmax::outputShape(const Shape& in) const {
  if (in.n <= 0 || in.h <= 0 || in.w <= 0 || in.c <= 0)
    throw Error("Softmax: input shape " + in.str() + " has a non-positive dimension");
  return in;
}

void Softmax::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  bindBuffers(b);
  Push p{in.n, in.h * in.w, in.channelGroups(), in.c};
  setDispatch(p, uint32_t(in.h * in.w), uint32_t(in.n), 1);
}

static std::unique_ptr<GpuOp> floatOpSoftmax(Gpu& gpu, const Node&, Precision precision, const std::shared_ptr<const PackedWeights>&, const KernelVariant*) {
  return std::make_unique<Softmax>(gpu, precision);
}

namespace {

struct IntegerPush {
  int32_t batch, pixels, c4, c, outZero, isSigned;
  float outScale;
};
const ShaderInterface kIntegerInterface{
    shader::softmax_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Storage /* exp table */},
    sizeof(IntegerPush)};

class IntegerSoftmax : public IntegerOp {
 public:
  IntegerSoftmax(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
    // The table TFLite's kernel builds (and the CPU twin): exp(-input scale * v), v = 255 - index.
    std::vector<float> table(256);
    const float scale = -quant_.input.scale;
    for (int v = 0; v <= 255; ++v) table[size_t(255 - v)] = std::exp(scale * float(v));
    table_ = Buffer(gpu, table.size() * sizeof(float), MemoryUsage::Device, "softmax table of " + node.name);
    gpu.upload(table_, table.data(), table.size() * sizeof(float));
  }
  const char* kind() const override { return "Softmax (integer)"; }
  Shape outputShape(const Shape& in) const override { return in; }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    GpuOp::bindBuffers(b, {table_});
    const IntegerPush p{in.n, in.h * in.w, in.channelGroups(), in.c, quant_.output.zeroPoint, isSigned_,
                        quant_.output.scale};
    setDispatch(p, uint32_t(in.h * in.w), uint32_t(in.n), 1);
  }

 private:
  Buffer table_;
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpSoftmax(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&, const KernelVariant*) {
  return std::make_unique<IntegerSoftmax>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpSoftmax(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpSoftmax(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpSoftmax(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
