// Host <-> device copies: mapped memcpy where memory is host-visible, else a staging buffer.
#include "vulkan/gpu.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/device_facts.h"
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
        vkCmdCopyBuffer(cmd, staging.handle(), dst.handle(), 1, &region);
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
        vkCmdCopyBuffer(cmd, src.handle(), staging.handle(), 1, &region);
        anyToHostBarrier(cmd);
      },
      "staged download");
  std::memcpy(dst, staging.mapped(), bytes);
}

}  // namespace mobilevk
