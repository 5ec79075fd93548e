#pragma once
#include <vulkan/vulkan.h>

#include <string>

#include "mobilevk/error.h"

namespace mobilevk {

const char* vkResultName(VkResult r);

// Throws mobilevk::Error naming the call, the object it was for, and the VkResult.
void vkCheck(VkResult result, const std::string& what);
// The mobilevk::ErrorCode a failed VkResult maps to (out of memory, device lost, unsupported, ...).
ErrorCode errorCodeFor(VkResult result);

}  // namespace mobilevk
