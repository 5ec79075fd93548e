#include "counting_vulkan.h"

#include <atomic>
#include <cstring>

namespace testing {

namespace {

std::atomic<uint64_t> lookups{0}, submits{0}, dispatches{0};
std::atomic<PFN_vkQueueSubmit> realQueueSubmit{nullptr};
std::atomic<PFN_vkCmdDispatch> realCmdDispatch{nullptr};
std::atomic<PFN_vkGetDeviceProcAddr> realGetDeviceProcAddr{nullptr};

VKAPI_ATTR VkResult VKAPI_CALL countedQueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo* submits_,
                                                  VkFence fence) {
  ++submits;
  return realQueueSubmit.load()(queue, count, submits_, fence);
}

VKAPI_ATTR void VKAPI_CALL countedCmdDispatch(VkCommandBuffer cmd, uint32_t x, uint32_t y, uint32_t z) {
  ++dispatches;
  realCmdDispatch.load()(cmd, x, y, z);
}

// Swaps in a counted twin for the two functions the tests count; the real pointer is kept for it.
PFN_vkVoidFunction wrap(const char* name, PFN_vkVoidFunction real) {
  if (!real) return nullptr;
  if (std::strcmp(name, "vkQueueSubmit") == 0) {
    realQueueSubmit = reinterpret_cast<PFN_vkQueueSubmit>(real);
    return reinterpret_cast<PFN_vkVoidFunction>(&countedQueueSubmit);
  }
  if (std::strcmp(name, "vkCmdDispatch") == 0) {
    realCmdDispatch = reinterpret_cast<PFN_vkCmdDispatch>(real);
    return reinterpret_cast<PFN_vkVoidFunction>(&countedCmdDispatch);
  }
  return real;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL countingGetDeviceProcAddr(VkDevice device, const char* name) {
  ++lookups;
  return wrap(name, realGetDeviceProcAddr.load()(device, name));
}

}  // namespace

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL countingGetInstanceProcAddr(VkInstance instance, const char* name) {
  ++lookups;
  PFN_vkVoidFunction real = vkGetInstanceProcAddr(instance, name);
  if (real && std::strcmp(name, "vkGetDeviceProcAddr") == 0) {
    realGetDeviceProcAddr = reinterpret_cast<PFN_vkGetDeviceProcAddr>(real);
    return reinterpret_cast<PFN_vkVoidFunction>(&countingGetDeviceProcAddr);
  }
  return wrap(name, real);
}

VulkanCallCounts vulkanCallCounts() { return {lookups.load(), submits.load(), dispatches.load()}; }

}  // namespace testing
