#include "ops/global_avg_pool.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, pixels, c4;
};
const ShaderInterface kInterface{shader::global_avg_pool, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};
}  // namespace

GlobalAvgPool::GlobalAvgPool(Gpu& gpu, Precision precision) : GpuOp(gpu, precision) {
  requirePrecision(gpu, precision);
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
}

Shape GlobalAvgPool::outputShape(const Shape& in) const {
  if (in.n <= 0 || in.h <= 0 || in.w <= 0 || in.c <= 0)
    throw Error("GlobalAvgPool: input shape " + in.str() + " has a non-positive dimension");
  return {in.n, 1, 1, in.c};
}

void GlobalAvgPool::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  bindBuffers(b);
  Push p{in.n, in.h * in.w, in.channelGroups()};
  setDispatch(p, uint32_t(in.channelGroups()), uint32_t(in.n), 1);
}

static std::unique_ptr<GpuOp> floatOpGlobalAvgPool(Gpu& gpu, const Node&, Precision precision, const std::shared_ptr<const PackedWeights>&, const KernelVariant*) {
  return std::make_unique<GlobalAvgPool>(gpu, precision);
}

namespace {

struct IntegerPush {
  int32_t batch, pixels, c4, c, zeroPoint, actMin, actMax, isSigned;
};
const ShaderInterface kIntegerInterface{shader::global_avg_pool_int,
                                        {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

class IntegerGlobalAvgPool : public IntegerOp {
 public:
  IntegerGlobalAvgPool(Gpu& gpu, const Node& node) : IntegerOp(gpu, node) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "GlobalAvgPool (integer)"; }
  Shape outputShape(const Shape& in) const override { return {in.n, 1, 1, in.c}; }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    bindBuffers(b);
    const IntegerPush p{in.n, in.h * in.w, in.channelGroups(), in.c, quant_.input.zeroPoint,
                        quant_.activationMin, quant_.activationMax, isSigned_};
    setDispatch(p, uint32_t(in.channelGroups()), uint32_t(in.n), 1);
  }
};

}  // namespace

static std::unique_ptr<GpuOp> integerOpGlobalAvgPool(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>&, const KernelVariant*) {
  return std::make_unique<IntegerGlobalAvgPool>(gpu, node);
}

std::unique_ptr<GpuOp> makeGpuOpGlobalAvgPool(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpGlobalAvgPool(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpGlobalAvgPool(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
