#pragma once
// A host engine's own vkGetInstanceProcAddr, as volk or a custom loader would hand it to mobilevk:
// it forwards to the Vulkan loader and counts. vkQueueSubmit and vkCmdDispatch come back wrapped,
// so a test can tell calls that went through the table from calls that bypassed it (a bypassing
// call reaches the driver without moving the counters).
#include <vulkan/vulkan.h>

#include <cstdint>

namespace testing {

struct VulkanCallCounts {
  uint64_t lookups = 0;     // names asked of countingGetInstanceProcAddr or its vkGetDeviceProcAddr
  uint64_t submits = 0;     // vkQueueSubmit calls through the returned pointers
  uint64_t dispatches = 0;  // vkCmdDispatch calls through the returned pointers
};

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL countingGetInstanceProcAddr(VkInstance instance, const char* name);
VulkanCallCounts vulkanCallCounts();

}  // namespace testing
