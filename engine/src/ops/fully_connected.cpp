#include "ops/fully_connected.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, inC4, outC4, outC;
  float clampMin, clampMax;
};
}  // namespace

FullyConnected::FullyConnected(Gpu& gpu, ConvDesc desc) : WeightedOp(gpu, std::move(desc), ConvKind::FullyConnected) {
  pipeline_ = gpu.pipeline({"fully_connected", 4, sizeof(Push), {64, 1, 1}});
}

Shape FullyConnected::outputShape(const Shape& in) const {
  if (in.h != 1 || in.w != 1)
    throw Error("FullyConnected '" + desc_.name + "': input " + in.str() + " must be 1x1 spatially (pool first)");
  checkInputChannels(desc_, convKind_, in);
  return {in.n, 1, 1, desc_.outChannels};
}

void FullyConnected::bind(const Buffer& input, const Buffer& output, const Shape& in) {
  const Shape out = outputShape(in);
  checkBuffer(input, in, "input");
  checkBuffer(output, out, "output");
  set_ = DescriptorSet(gpu_, *pipeline_, {&input, &output, &weights_, &bias_});
  Push p{in.n, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max};
  setDispatch(p, uint32_t(out.channelGroups()), uint32_t(in.n), 1);
}

}  // namespace mobilevk
