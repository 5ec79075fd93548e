#include "ops/pointwise_conv.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
};
}  // namespace

PointwiseConv::PointwiseConv(Gpu& gpu, ConvDesc desc) : WeightedOp(gpu, std::move(desc), ConvKind::Pointwise) {
  pipeline_ = gpu.pipeline({"pointwise_conv", 4, sizeof(Push), {8, 8, 1}, 0b1101});
}

void PointwiseConv::bind(const BufferView& input, const BufferView& output, const Shape& in) {
  const Shape out = outputShape(in);
  checkBuffer(input, in, "input");
  checkBuffer(output, out, "output");
  set_ = DescriptorSet(gpu_, *pipeline_, {input, output, weights_, bias_});
  const int pixels = in.h * in.w;
  Push p{in.n, pixels, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max};
  setDispatch(p, uint32_t((pixels + 3) / 4), uint32_t(out.channelGroups()), uint32_t(in.n));
}

}  // namespace mobilevk
