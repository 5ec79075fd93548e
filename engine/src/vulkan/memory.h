#pragma once
// Device memory: a few large VkDeviceMemory blocks, sub-allocated by first fit, so that a network
// of dozens of tensors costs a handful of vkAllocateMemory calls (drivers cap their count, and
// each is slow on mobile). Buffers are RAII and give their range back on destruction.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vulkan/functions.h"

namespace mobilevk {

enum class MemoryUsage {
  Device,    // read and written by shaders; host-visible too where the device allows (UMA, lavapipe)
  Upload,    // host writes, device reads (staging)
  Readback,  // device writes, host reads (staging)
};

// What a range is bound to. Optimal-tiling images live in blocks of their own so that no image ever
// shares a bufferImageGranularity page with a buffer (the alignment rule between linear and
// non-linear resources in one VkDeviceMemory).
enum class ResourceKind { Buffer, OptimalImage };

struct Allocation {
  uint32_t block = UINT32_MAX;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, size = 0;
  void* mapped = nullptr;  // host pointer to offset, when the block is host-visible and coherent
  explicit operator bool() const { return memory != VK_NULL_HANDLE; }
};

struct MemoryStats {
  size_t blocks = 0;
  uint64_t reservedBytes = 0;  // sum of block sizes
  uint64_t usedBytes = 0;      // bytes handed out to live buffers
  size_t liveAllocations = 0;
  uint64_t allocationsMade = 0;  // since the allocator was created (live or freed since)
};

// "16 bytes", "3 MiB (3145728 bytes)": exact, for messages about limits.
std::string byteCount(uint64_t bytes);

class MemoryAllocator {
 public:
  // maxAllocation: the device's maxMemoryAllocationSize (as a device profile clamps it; 0: no limit
  // known). No block is larger: a request that needs more in one piece is refused by name.
  MemoryAllocator(const VulkanFunctions& vk, VkPhysicalDevice physical, VkDevice device, VkDeviceSize maxAllocation = 0,
                  VkDeviceSize blockSize = 64ull << 20);
  ~MemoryAllocator();
  MemoryAllocator(const MemoryAllocator&) = delete;
  MemoryAllocator& operator=(const MemoryAllocator&) = delete;

  // `what` names the object for error messages ("weights of conv_3", "staging for upload").
  Allocation allocate(const VkMemoryRequirements& req, MemoryUsage usage, const std::string& what,
                      ResourceKind kind = ResourceKind::Buffer);
  void free(const Allocation& a);
  MemoryStats stats() const;
  // True when a Device allocation can be mapped directly (no staging needed).
  bool deviceMemoryIsHostVisible() const { return deviceHostVisible_; }

 private:
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint32_t memoryType = 0;
    VkDeviceSize size = 0;
    void* mapped = nullptr;
    std::map<VkDeviceSize, VkDeviceSize> freeRanges;  // offset -> size, coalesced
    size_t live = 0;
    ResourceKind kind = ResourceKind::Buffer;
    bool releaseWhenEmpty = false;  // a dedicated block, or an image block (images are few and come and go)
  };
  uint32_t chooseMemoryType(uint32_t typeBits, MemoryUsage usage, const std::string& what) const;
  uint32_t newBlock(uint32_t memoryType, VkDeviceSize size, ResourceKind kind, bool releaseWhenEmpty,
                    const std::string& what);

  const VulkanFunctions* vk_;
  VkDevice device_;
  VkPhysicalDeviceMemoryProperties props_{};
  VkDeviceSize blockSize_, maxAllocation_;
  bool deviceHostVisible_ = false;
  mutable std::mutex mutex_;
  std::vector<Block> blocks_;
  uint64_t used_ = 0;
  uint64_t allocationsMade_ = 0;
};

class Gpu;

// A VkBuffer bound to a sub-range of an allocator block.
class Buffer {
 public:
  Buffer() = default;
  // bindWhole: the buffer is bound to shaders as a whole, so it must fit maxStorageBufferRange
  // (an arena bound in views need not).
  Buffer(Gpu& gpu, VkDeviceSize bytes, MemoryUsage usage, const std::string& what, bool bindWhole = true);
  ~Buffer();
  Buffer(Buffer&& o) noexcept;
  Buffer& operator=(Buffer&& o) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return alloc_.mapped; }
  explicit operator bool() const { return buffer_ != VK_NULL_HANDLE; }

 private:
  void release();
  Gpu* gpu_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  Allocation alloc_;
};

// A byte range of a buffer, as bound to a shader (tensors of one network share an arena buffer).
struct BufferView {
  const Buffer* buffer = nullptr;
  VkDeviceSize offset = 0, size = 0;
  BufferView() = default;
  BufferView(const Buffer& b) : buffer(&b), offset(0), size(b.size()) {}  // NOLINT: whole buffer
  BufferView(const Buffer& b, VkDeviceSize off, VkDeviceSize bytes) : buffer(&b), offset(off), size(bytes) {}
  explicit operator bool() const { return buffer && *buffer && size > 0; }
};

}  // namespace mobilevk
