#include "ops/image_input.h"

#include "shader_names.h"

#include "graph/quantization.h"
#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t crop[4];
  int32_t dims[4];
  float scale[4];
  float offset[4];
  float quant[4];
};
}  // namespace

ImageInput::ImageInput(Gpu& gpu, Precision precision) : gpu_(gpu), precision_(precision), sampler_(gpu) {
  requirePrecision(gpu, precision);
  const ShaderInterface interface{shader::image_input, {BindingType::Image /* source */, BindingType::Storage /* input tensor */},
                                  sizeof(Push)};
  pipeline_ = gpu.pipeline(pipelineDescFor(interface, shaderVariant(shader::image_input, precision), {8, 8, 1}));
}

ImageInput::ImageInput(Gpu& gpu, const TensorQuant& q) : gpu_(gpu), precision_(Precision::FP32), sampler_(gpu) {
  quant_[0] = 1.0f / q.scale;
  quant_[1] = float(q.zeroPoint);
  quant_[2] = float(q.qmin());
  quant_[3] = float(q.qmax());
  const ShaderInterface interface{shader::image_input, {BindingType::Image /* source */, BindingType::Storage /* input tensor */},
                                  sizeof(Push)};
  pipeline_ = gpu.pipeline(pipelineDescFor(interface, std::string(shader::image_input) + "_int8", {8, 8, 1}));
}

void ImageInput::record(VkCommandBuffer cmd, VkImageView view, VkImageLayout layout, uint32_t width, uint32_t height,
                        VkFormat format, const ImageRect& crop, const InputSpec& spec, const BufferView& output,
                        const Shape& outShape, int batchIndex) {
  if (!view) throw Error("image input: no VkImageView given");
  bool srgbView = false;
  switch (format) {
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_UNORM: break;
    case VK_FORMAT_R8G8B8A8_SRGB:
    case VK_FORMAT_B8G8R8A8_SRGB: srgbView = true; break;
    default:
      throw Error("image input: view format " + std::to_string(int(format)) +
                  " is not supported (R8G8B8A8 or B8G8R8A8, UNORM or SRGB)");
  }
  if (width == 0 || height == 0)
    throw Error("image input: image size " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  if (outShape.c != 3) throw Error("image input: the model takes " + std::to_string(outShape.c) + " channels, images give 3");
  if (batchIndex < 0 || batchIndex >= outShape.n)
    throw Error("image input: batch index " + std::to_string(batchIndex) + " outside the batch of " + std::to_string(outShape.n));
  ImageRect r = crop;
  if (r.width == 0 && r.height == 0) r = {0, 0, int(width), int(height)};
  if (r.x < 0 || r.y < 0 || r.width <= 0 || r.height <= 0 || uint32_t(r.x + r.width) > width ||
      uint32_t(r.y + r.height) > height)
    throw Error("image input: crop " + std::to_string(r.width) + "x" + std::to_string(r.height) + "+" + std::to_string(r.x) +
                "+" + std::to_string(r.y) + " lies outside the " + std::to_string(width) + "x" + std::to_string(height) +
                " image");
  auto& set = sets_[{view, layout}];
  if (!set) set = std::make_unique<DescriptorSet>(gpu_, *pipeline_, std::vector<BufferView>{BufferView(), output},
                                                  std::vector<ImageBinding>{{view, sampler_.handle(), layout}});
  Push p{{r.x, r.y, r.width, r.height},
         {outShape.w, outShape.h, batchIndex, srgbView ? 1 : 0},
         {spec.scale[0], spec.scale[1], spec.scale[2], 0.0f},
         {spec.offset[0], spec.offset[1], spec.offset[2], 0.0f},
         {quant_[0], quant_[1], quant_[2], quant_[3]}};
  const uint32_t inv[3] = {uint32_t(outShape.w), uint32_t(outShape.h), 1};
  recordDispatch(cmd, *pipeline_, *set, &p, sizeof(p), inv);
}

void ImageInput::forget(VkImageView view) {
  for (auto it = sets_.begin(); it != sets_.end();) it = it->first.first == view ? sets_.erase(it) : std::next(it);
}

}  // namespace mobilevk
