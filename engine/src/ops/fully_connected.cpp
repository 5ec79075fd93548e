#include "ops/fully_connected.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, inC4, outC4, outC;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::fully_connected, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
}  // namespace

FullyConnected::FullyConnected(Gpu& gpu, ConvDesc desc, Precision precision)
    : FullyConnected(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::FullyConnected, precision)) {}

FullyConnected::FullyConnected(Gpu& gpu, std::shared_ptr<const PackedWeights> weights)
    : WeightedOp(gpu, std::move(weights), ConvKind::FullyConnected) {
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
}

void FullyConnected::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  Push p{in.n, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max};
  setDispatch(p, uint32_t(out.channelGroups()), uint32_t(in.n), 1);
}

static std::unique_ptr<GpuOp> floatOpFullyConnected(Gpu& gpu, const Node&, Precision, const std::shared_ptr<const PackedWeights>& weights, const KernelVariant*) {
  return std::make_unique<FullyConnected>(gpu, weights);
}

static std::unique_ptr<GpuOp> integerOpFullyConnected(Gpu& gpu, const Node& node,
                                                      const std::shared_ptr<const IntegerWeights>& weights, const KernelVariant* variant) {
  return makeIntegerMatrixOp(gpu, node, weights, variant);
}

std::unique_ptr<GpuOp> makeGpuOpFullyConnected(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpFullyConnected(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpFullyConnected(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

}  // namespace mobilevk
