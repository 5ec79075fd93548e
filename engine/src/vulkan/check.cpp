#include "vulkan/check.h"

#include "mobilevk/error.h"

namespace mobilevk {

const char* vkResultName(VkResult r) {
  switch (r) {
#define MOBILEVK_CASE(x) \
  case x:                \
    return #x;
    MOBILEVK_CASE(VK_SUCCESS)
    MOBILEVK_CASE(VK_NOT_READY)
    MOBILEVK_CASE(VK_TIMEOUT)
    MOBILEVK_CASE(VK_INCOMPLETE)
    MOBILEVK_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    MOBILEVK_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    MOBILEVK_CASE(VK_ERROR_INITIALIZATION_FAILED)
    MOBILEVK_CASE(VK_ERROR_DEVICE_LOST)
    MOBILEVK_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    MOBILEVK_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    MOBILEVK_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    MOBILEVK_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    MOBILEVK_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    MOBILEVK_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    MOBILEVK_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    MOBILEVK_CASE(VK_ERROR_FRAGMENTED_POOL)
    MOBILEVK_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    MOBILEVK_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    MOBILEVK_CASE(VK_ERROR_FRAGMENTATION)
    MOBILEVK_CASE(VK_ERROR_INVALID_SHADER_NV)
    MOBILEVK_CASE(VK_ERROR_UNKNOWN)
#undef MOBILEVK_CASE
    default:
      return "VkResult(unknown)";
  }
}

ErrorCode errorCodeFor(VkResult result) {
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_FRAGMENTED_POOL:
    case VK_ERROR_TOO_MANY_OBJECTS: return ErrorCode::OutOfMemory;
    case VK_ERROR_DEVICE_LOST: return ErrorCode::DeviceLost;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
    case VK_ERROR_INITIALIZATION_FAILED:
    case VK_ERROR_LAYER_NOT_PRESENT:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return ErrorCode::Unsupported;
    default: return ErrorCode::Internal;
  }
}

void vkCheck(VkResult result, const std::string& what) {
  if (result == VK_SUCCESS) return;
  std::string msg = what + " failed: " + vkResultName(result) + " (" + std::to_string(int(result)) + ")";
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER)
    msg += "; no compatible Vulkan driver is installed (on Debian: apt-get install mesa-vulkan-drivers), "
           "or use --device cpu";
  else if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
    msg += "; try a smaller batch or input resolution";
  throw Error(errorCodeFor(result), msg);
}

}  // namespace mobilevk
