#include "ops/softmax.h"
#include "ops/gpu_op_table.h"

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

std::unique_ptr<GpuOp> makeGpuOpSoftmax(Gpu& gpu, const Node&, Precision precision, const std::shared_ptr<const PackedWeights>&) {
  return std::make_unique<Softmax>(gpu, precision);
}

}  // namespace mobilevk
