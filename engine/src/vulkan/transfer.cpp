// Host <-> device copies: mapped memcpy where memory is host-visible, else a staging buffer.
#include "vulkan/gpu.h"

#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/command.h"

namespace mobilevk {

void Gpu::upload(const Buffer& dst, const void* src, size_t bytes, size_t dstOffset) {
  if (dstOffset + bytes > dst.size())
    throw Error(ErrorCode::InvalidArgument, "upload of " + std::to_string(bytes) + " bytes at offset " + std::to_string(dstOffset) +
                " overruns a buffer of " + std::to_string(dst.size()) + " bytes");
  if (bytes == 0) return;
  if (dst.mapped() && !forceStaging_) {
    std::memcpy(static_cast<char*>(dst.mapped()) + dstOffset, src, bytes);
    return;
  }
  Buffer staging(*this, bytes, MemoryUsage::Upload, "upload staging buffer");
  std::memcpy(staging.mapped(), src, bytes);
  runAndWait(
      [&](VkCommandBuffer cmd) {
        VkBufferCopy region{0, dstOffset, bytes};
        vk_.CmdCopyBuffer(cmd, staging.handle(), dst.handle(), 1, &region);
      },
      "staged upload");
}

void Gpu::download(const Buffer& src, void* dst, size_t bytes, size_t srcOffset) {
  if (srcOffset + bytes > src.size())
    throw Error(ErrorCode::InvalidArgument, "download of " + std::to_string(bytes) + " bytes at offset " + std::to_string(srcOffset) +
                " overruns a buffer of " + std::to_string(src.size()) + " bytes");
  if (bytes == 0) return;
  if (src.mapped() && !forceStaging_) {
    std::memcpy(dst, static_cast<const char*>(src.mapped()) + srcOffset, bytes);
    return;
  }
  Buffer staging(*this, bytes, MemoryUsage::Readback, "download staging buffer");
  runAndWait(
      [&](VkCommandBuffer cmd) {
        VkBufferCopy region{srcOffset, 0, bytes};
        vk_.CmdCopyBuffer(cmd, src.handle(), staging.handle(), 1, &region);
        anyToHostBarrier(vk_, cmd);
      },
      "staged download");
  std::memcpy(dst, staging.mapped(), bytes);
}

void Gpu::UploadBatch::add(const Buffer& dst, std::vector<uint8_t> bytes) {
  if (bytes.size() > dst.size())
    throw Error(ErrorCode::InvalidArgument, "upload of " + std::to_string(bytes.size()) + " bytes overruns a buffer of " +
                                                std::to_string(dst.size()) + " bytes");
  if (bytes.empty()) return;
  if (dst.mapped() && !gpu_.forceStaging_) {
    std::memcpy(dst.mapped(), bytes.data(), bytes.size());
    return;
  }
  pending_.emplace_back(&dst, std::move(bytes));
}

void Gpu::UploadBatch::flush() {
  if (pending_.empty()) return;
  size_t total = 0;
  for (const auto& [dst, bytes] : pending_) total += (bytes.size() + 15) / 16 * 16;
  Buffer staging(gpu_, total, MemoryUsage::Upload, "weight upload staging buffer");
  std::vector<VkDeviceSize> offsets;
  size_t at = 0;
  for (const auto& [dst, bytes] : pending_) {
    std::memcpy(static_cast<char*>(staging.mapped()) + at, bytes.data(), bytes.size());
    offsets.push_back(at);
    at += (bytes.size() + 15) / 16 * 16;
  }
  gpu_.runAndWait(
      [&](VkCommandBuffer cmd) {
        for (size_t i = 0; i < pending_.size(); ++i) {
          const VkBufferCopy region{offsets[i], 0, pending_[i].second.size()};
          gpu_.vk().CmdCopyBuffer(cmd, staging.handle(), pending_[i].first->handle(), 1, &region);
        }
      },
      "weight upload");
  ++submissions_;
  pending_.clear();
}

}  // namespace mobilevk
