#pragma once
#include <vulkan/vulkan.h>

#include <string>

namespace mobilevk {

const char* vkResultName(VkResult r);

// Throws mobilevk::Error naming the call, the object it was for, and the VkResult.
void vkCheck(VkResult result, const std::string& what);

}  // namespace mobilevk
