#pragma once
// Images: a nearest sampler for texelFetch-only reads, and an RGBA8 image mobilevk owns (the
// upload target of the host-pixel path).
#include <vulkan/vulkan.h>

#include <cstdint>

#include "vulkan/functions.h"

#include "vulkan/memory.h"

namespace mobilevk {

class Gpu;

class Sampler {
 public:
  explicit Sampler(Gpu& gpu);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  VkSampler handle() const { return sampler_; }

 private:
  const VulkanFunctions* vk_;
  VkDevice device_;
  VkSampler sampler_ = VK_NULL_HANDLE;
};

// A 2-D 8-bit RGBA-class image (sampled, transfer destination) with its view, its memory a range of
// the Gpu's allocator (image blocks, see ResourceKind).
class Rgba8Image {
 public:
  Rgba8Image(Gpu& gpu, uint32_t width, uint32_t height, VkFormat format = VK_FORMAT_R8G8B8A8_UNORM);
  ~Rgba8Image();
  Rgba8Image(const Rgba8Image&) = delete;
  Rgba8Image& operator=(const Rgba8Image&) = delete;

  VkImage image() const { return image_; }
  VkImageView view() const { return view_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  // Records: layout UNDEFINED -> TRANSFER_DST, copy from `staging` (tightly packed RGBA8), then
  // TRANSFER_DST -> SHADER_READ_ONLY for compute reads.
  void recordUpload(VkCommandBuffer cmd, VkBuffer staging) const;

 private:
  void destroy();
  const VulkanFunctions* vk_;
  VkDevice device_;
  MemoryAllocator* allocator_;
  uint32_t width_, height_;
  VkImage image_ = VK_NULL_HANDLE;
  Allocation memory_;
  VkImageView view_ = VK_NULL_HANDLE;
};

}  // namespace mobilevk
