#include "ops/pointwise_conv.h"
#include "ops/gpu_op_table.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
};
const ShaderInterface kInterface{shader::pointwise_conv, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
}  // namespace

PointwiseConv::PointwiseConv(Gpu& gpu, ConvDesc desc, Precision precision)
    : PointwiseConv(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Pointwise, precision)) {}

PointwiseConv::PointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights)
    : WeightedOp(gpu, std::move(weights), ConvKind::Pointwise) {
  // Register block: 4 pixels x 8 output channels per invocation (12 fetches feed 128 multiply-adds).
  // On lavapipe every fetch is a per-lane gather, and this block measured fastest among 2-16 pixels
  // x 4-16 channels (see the closing note of the performance issue); GPUs get the same block in
  // 64-invocation workgroups.
  const uint32_t px = 4, ocb = 2;
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {8, 8, 1, px, ocb}));
}

void PointwiseConv::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b);
  const int pixels = in.h * in.w;
  Push p{in.n, pixels, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max};
  const uint32_t px = pipeline_->desc().specialization[3], ocb = pipeline_->desc().specialization[4];
  const uint64_t flat = uint64_t(pixels) * uint64_t(in.n);
  if (flat > uint64_t(INT32_MAX)) throw Error("PointwiseConv '" + desc_.name + "': " + in.str() + " has too many pixels");
  setDispatch(p, uint32_t((flat + px - 1) / px), (uint32_t(out.channelGroups()) + ocb - 1) / ocb, 1);
}

std::unique_ptr<GpuOp> makeGpuOpPointwiseConv(Gpu& gpu, const Node&, Precision, const std::shared_ptr<const PackedWeights>& weights) {
  return std::make_unique<PointwiseConv>(gpu, weights);
}

}  // namespace mobilevk
