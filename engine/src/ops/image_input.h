#pragma once
// Crop + resize + normalize an RGBA8 image (the host's VkImage or mobilevk's own upload) into a
// network's input tensor, on the GPU.
#include <map>
#include <memory>

#include "graph/quantization.h"
#include "mobilevk/model.h"
#include "ops/op.h"
#include "vulkan/image.h"

namespace mobilevk {

struct ImageRect {
  int x = 0, y = 0, width = 0, height = 0;  // width/height 0: the whole image
};

class ImageInput {
 public:
  ImageInput(Gpu& gpu, Precision precision);
  // Integer execution: writes the 8-bit input tensor on `inputQuant`'s grid (image_input_int8).
  ImageInput(Gpu& gpu, const TensorQuant& inputQuant);
  // Records one dispatch writing batch item `batchIndex` of `output` (shape `outShape`, 3 channels)
  // from `view` (image size width x height, sampled in `layout`). Descriptor sets are cached per view.
  void record(VkCommandBuffer cmd, VkImageView view, VkImageLayout layout, uint32_t width, uint32_t height,
              VkFormat format, const ImageRect& crop, const InputSpec& spec, const BufferView& output,
              const Shape& outShape, int batchIndex);
  void forget(VkImageView view);

 private:
  Gpu& gpu_;
  Precision precision_;
  float quant_[4] = {1.0f, 0.0f, 0.0f, 0.0f};  // 1 / scale, zero point, lowest, highest (integer mode)
  std::shared_ptr<const ComputePipeline> pipeline_;
  Sampler sampler_;
  std::map<std::pair<VkImageView, VkImageLayout>, std::unique_ptr<DescriptorSet>> sets_;
};

}  // namespace mobilevk
