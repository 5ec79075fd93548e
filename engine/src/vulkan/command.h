#pragma once
// Command buffers, fences and the barriers between dependent dispatches.
#include <vulkan/vulkan.h>

#include <cstdint>

#include "vulkan/functions.h"

namespace mobilevk {

class Gpu;

class Fence {
 public:
  explicit Fence(Gpu& gpu, bool signaled = false);
  ~Fence();
  Fence(const Fence&) = delete;
  Fence& operator=(const Fence&) = delete;
  VkFence handle() const { return fence_; }
  // Waits up to timeoutNs; throws on timeout or device loss, naming `what`.
  void wait(const char* what, uint64_t timeoutNs = 60ull * 1000 * 1000 * 1000);
  void reset();

 private:
  Gpu* gpu_ = nullptr;
  const VulkanFunctions* vk_;
  VkDevice device_;
  VkFence fence_ = VK_NULL_HANDLE;
};

// A primary command buffer, freed on destruction. By default it comes from the Gpu's shared pool,
// whose lock (Gpu::lockCommandPool) must be held while recording. With OwnPool it comes from a
// transient pool of its own: recording needs no lock, at the cost of creating a pool (microseconds),
// which suits one-off submissions.
class CommandBuffer {
 public:
  struct OwnPool {};
  explicit CommandBuffer(Gpu& gpu);
  CommandBuffer(Gpu& gpu, OwnPool);
  ~CommandBuffer();
  CommandBuffer(const CommandBuffer&) = delete;
  CommandBuffer& operator=(const CommandBuffer&) = delete;

  VkCommandBuffer handle() const { return cmd_; }
  void begin(bool oneTime);
  void end();

 private:
  Gpu& gpu_;
  VkCommandPool ownPool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
};

// Shader writes -> shader reads/writes (the barrier between two dependent dispatches).
void computeToComputeBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd);
// Transfer writes (copy, fill) -> shader reads.
void transferToComputeBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd);
// Shader writes -> transfer reads (copy to a staging buffer).
void computeToTransferBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd);
// Shader or transfer writes -> host reads after the fence.
void anyToHostBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd);

}  // namespace mobilevk
