// The pipeline cache blob: checked against this device and driver, and read back.
#include "vulkan/gpu.h"

#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"

namespace mobilevk {

// Whether a cache blob was written by this device and driver. VkPipelineCacheHeaderVersionOne:
// length, version, vendorID, deviceID, pipelineCacheUUID. A driver must cope with a bad blob, but
// not all do gracefully; checking first also lets the log say why a cache was not used.
std::string Gpu::pipelineCacheMismatch(const std::vector<uint8_t>& blob) const {
  VkPhysicalDeviceProperties props;
  vk_.GetPhysicalDeviceProperties(physical_, &props);
  if (blob.size() < 32) return "too short to hold a header";
  uint32_t header[4];
  std::memcpy(header, blob.data(), sizeof(header));
  if (header[0] < 32 || header[0] > blob.size() || header[1] != VK_PIPELINE_CACHE_HEADER_VERSION_ONE)
    return "corrupt header";
  if (header[2] != props.vendorID || header[3] != props.deviceID) return "written for another device";
  if (std::memcmp(blob.data() + 16, props.pipelineCacheUUID, VK_UUID_SIZE) != 0) return "written by another driver version";
  return "";
}

std::vector<uint8_t> Gpu::pipelineCacheData() const {
  if (!pipelineCache_) return {};
  size_t size = 0;
  vkCheck(vk_.GetPipelineCacheData(device_, pipelineCache_, &size, nullptr), "vkGetPipelineCacheData");
  std::vector<uint8_t> data(size);
  vkCheck(vk_.GetPipelineCacheData(device_, pipelineCache_, &size, data.data()), "vkGetPipelineCacheData");
  data.resize(size);
  return data;
}

}  // namespace mobilevk
