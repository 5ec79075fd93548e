#pragma once
// Facts about physical devices shared by the files that describe, choose and create them.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vulkan/functions.h"

namespace mobilevk {

std::string versionString(uint32_t apiVersion);  // "1.3.255"
bool hasDeviceExtension(const VulkanFunctions& vk, VkPhysicalDevice physical, const char* name);
// The compute-capable queue family, preferring one that can write timestamps; -1 when none.
int findComputeQueueFamily(const VulkanFunctions& vk, VkPhysicalDevice physical);
std::vector<VkPhysicalDevice> physicalDevices(const VulkanFunctions& vk, VkInstance instance);
const char* deviceTypeName(VkPhysicalDeviceType type);
// An instance for Vulkan 1.1 with the layers and extensions asked for (used by Gpu and listDevices).
VkInstance createBareInstance(const VulkanFunctions& vk, bool validation, bool debugUtils, bool synchronizationValidation);
bool hasInstanceLayer(const VulkanFunctions& vk, const char* name);
bool hasInstanceExtension(const VulkanFunctions& vk, const char* name);
extern const char* const kValidationLayer;

}  // namespace mobilevk
