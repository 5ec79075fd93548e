#include "vulkan/image.h"

#include <string>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/gpu.h"

namespace mobilevk {

Sampler::Sampler(Gpu& gpu) : vk_(&gpu.vk()), device_(gpu.device()) {
  VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  si.magFilter = VK_FILTER_NEAREST;
  si.minFilter = VK_FILTER_NEAREST;
  si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  si.maxLod = 0.0f;
  vkCheck(vk_->CreateSampler(device_, &si, nullptr, &sampler_), "vkCreateSampler for image input");
}

Sampler::~Sampler() {
  if (sampler_) vk_->DestroySampler(device_, sampler_, nullptr);
}

Rgba8Image::Rgba8Image(Gpu& gpu, uint32_t width, uint32_t height, VkFormat format)
    : vk_(&gpu.vk()), device_(gpu.device()), allocator_(&gpu.allocator()), width_(width), height_(height) {
  const std::string what = "a " + std::to_string(width) + "x" + std::to_string(height) + " RGBA8 input image";
  try {
    VkImageCreateInfo ii{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    ii.imageType = VK_IMAGE_TYPE_2D;
    ii.format = format;
    ii.extent = {width, height, 1};
    ii.mipLevels = 1;
    ii.arrayLayers = 1;
    ii.samples = VK_SAMPLE_COUNT_1_BIT;
    ii.tiling = VK_IMAGE_TILING_OPTIMAL;
    ii.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    ii.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    vkCheck(vk_->CreateImage(device_, &ii, nullptr, &image_), "vkCreateImage for " + what);
    VkMemoryRequirements req;
    vk_->GetImageMemoryRequirements(device_, image_, &req);
    memory_ = gpu.allocator().allocate(req, MemoryUsage::Device, what, ResourceKind::OptimalImage);
    vkCheck(vk_->BindImageMemory(device_, image_, memory_.memory, memory_.offset), "vkBindImageMemory for " + what);
    VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    vi.image = image_;
    vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
    vi.format = format;
    vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCheck(vk_->CreateImageView(device_, &vi, nullptr, &view_), "vkCreateImageView for " + what);
  } catch (...) {
    destroy();
    throw;
  }
}

Rgba8Image::~Rgba8Image() { destroy(); }

void Rgba8Image::destroy() {
  if (view_) vk_->DestroyImageView(device_, view_, nullptr);
  if (image_) vk_->DestroyImage(device_, image_, nullptr);
  if (memory_) allocator_->free(memory_);
  view_ = VK_NULL_HANDLE;
  image_ = VK_NULL_HANDLE;
  memory_ = Allocation();
}

void Rgba8Image::recordUpload(VkCommandBuffer cmd, VkBuffer staging) const {
  VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = image_;
  b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  // The previous frame's shader reads must finish before the copy overwrites the image.
  b.srcAccessMask = 0;
  b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  vk_->CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr,
                       1, &b);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {width_, height_, 1};
  vk_->CmdCopyBufferToImage(cmd, staging, image_, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
  b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  vk_->CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0, nullptr, 0, nullptr,
                       1, &b);
}

}  // namespace mobilevk
