#include "ops/depthwise_pointwise_conv.h"
#include "ops/gpu_op_table.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t inH, inW, c4, outH, outW, outC4, outC, padTop, padLeft;
  float dwMin, dwMax, pwMin, pwMax;
};
const ShaderInterface kInterface{shader::depthwise_pointwise_conv,
                                 {BindingType::Texel /* input */, BindingType::Storage /* output */,
                                  BindingType::Texel /* depthwise weights */, BindingType::Texel /* depthwise bias */,
                                  BindingType::Texel /* pointwise weights */, BindingType::Texel /* pointwise bias */},
                                 sizeof(Push)};
}  // namespace

DepthwisePointwiseConv::DepthwisePointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> depthwise,
                                               std::shared_ptr<const PackedWeights> pointwise, const KernelVariant* variant)
    : GpuOp(gpu, depthwise->precision), dw_(std::move(depthwise)), pw_(std::move(pointwise)) {
  if (dw_->kind != ConvKind::Depthwise || pw_->kind != ConvKind::Pointwise)
    throw Error(ErrorCode::Internal, "DepthwisePointwiseConv: needs a depthwise then a pointwise layer's weights");
  if (pw_->precision != dw_->precision || pw_->desc.inChannels != dw_->desc.outChannels)
    throw Error(ErrorCode::InvalidArgument, "DepthwisePointwiseConv: '" + pw_->desc.name + "' (" +
                                                std::to_string(pw_->desc.inChannels) + " input channels) does not follow '" +
                                                dw_->desc.name + "' (" + std::to_string(dw_->desc.outChannels) + ")");
  chooseVariant("DepthwisePointwiseConv", NodeKind::DepthwisePointwiseConv, KernelPath::Float, variant);
  const WindowParams& w = dw_->desc.window;
  if (w.dilated())
    throw Error(ErrorCode::Unsupported, "DepthwisePointwiseConv: '" + dw_->desc.name + "' is dilated, which the fused kernel does not "
                "support (the fusion pass leaves dilated depthwise convolutions unfused)");
  pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1, variant_->block[0], variant_->block[1], uint32_t(w.kernelH),
                                                     uint32_t(w.kernelW), uint32_t(w.strideY), uint32_t(w.strideX)}));
}

Shape DepthwisePointwiseConv::outputShape(const Shape& input) const {
  return convOutputShape(pw_->desc, ConvKind::Pointwise, convOutputShape(dw_->desc, ConvKind::Depthwise, input));
}

WindowGeometry DepthwisePointwiseConv::window(const Shape& input) const {
  return resolveWindow(dw_->desc.name, input, dw_->desc.window);
}

void DepthwisePointwiseConv::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  bindBuffers(b, {dw_->weights, dw_->bias, pw_->weights, pw_->bias});
  const WindowGeometry& g = b.window;
  const Push p{in.h, in.w, in.channelGroups(), out.h, out.w, out.channelGroups(), out.c, g.padTop, g.padLeft,
               dw_->desc.activation.min, dw_->desc.activation.max, pw_->desc.activation.min, pw_->desc.activation.max};
  const uint32_t px = variant_->block[0], ocb = variant_->block[1];
  setDispatch(p, (uint32_t(out.w) + px - 1) / px * uint32_t(out.h), (uint32_t(out.channelGroups()) + ocb - 1) / ocb,
              uint32_t(out.n));
}

std::unique_ptr<GpuOp> makeGpuOpDepthwisePointwiseConv(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer)
    throw Error(ErrorCode::Unsupported, "DepthwisePointwiseConv '" + r.node.name + "': the fused kernels are float only");
  return std::make_unique<DepthwisePointwiseConv>(gpu, r.weights.at(0), r.weights.at(1), r.variant);
}

}  // namespace mobilevk
