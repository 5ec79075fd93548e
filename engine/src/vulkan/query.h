#pragma once
// GPU timestamps: one query per point of interest, read back after the fence.
#include <vulkan/vulkan.h>

#include <cstdint>

#include "vulkan/functions.h"
#include <vector>

namespace mobilevk {

class Gpu;

class TimestampPool {
 public:
  TimestampPool(Gpu& gpu, uint32_t count);
  ~TimestampPool();
  TimestampPool(const TimestampPool&) = delete;
  TimestampPool& operator=(const TimestampPool&) = delete;

  void reset(VkCommandBuffer cmd) const;
  // Written once every earlier command has finished.
  void write(VkCommandBuffer cmd, uint32_t index) const;
  // Nanoseconds of every query since the first, after the submission's fence has signalled.
  std::vector<double> readNs() const;
  uint32_t count() const { return count_; }

 private:
  const VulkanFunctions* vk_;
  VkDevice device_;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  uint32_t count_;
  double periodNs_;
  uint64_t mask_;
};

}  // namespace mobilevk
