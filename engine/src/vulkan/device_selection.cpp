// Which physical device a Context uses: by index, by name, or the best kind.
#include "vulkan/gpu.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/device_facts.h"

namespace mobilevk {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

int typeRank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
  }
}


}  // namespace

void Gpu::choosePhysicalDevice(const ContextOptions& options) {
  auto devs = physicalDevices(vk_, instance_);
  if (devs.empty())
    throw Error(ErrorCode::Unsupported, "no Vulkan device found: install a Vulkan driver (for a CPU fallback on Debian: apt-get install "
                "mesa-vulkan-drivers), or use --device cpu");
  std::vector<DeviceInfo> infos;
  for (uint32_t i = 0; i < devs.size(); ++i) infos.push_back(describePhysicalDevice(vk_, devs[i], i));

  std::string request = options.device;
  const std::string source = "the device option";
  if (lower(request) == "gpu" || lower(request) == "auto") request.clear();
  auto usable = [&](const DeviceInfo& d) {
    return d.hasComputeQueue && d.caps.apiVersion >= VK_API_VERSION_1_1;
  };
  auto listing = [&] {
    std::string s;
    for (const auto& d : infos) s += "\n  " + std::to_string(d.index) + ": " + d.name + " (" + d.type + ")";
    return s;
  };
  int chosen = -1;
  if (!request.empty()) {
    const bool numeric = std::all_of(request.begin(), request.end(), [](unsigned char ch) { return std::isdigit(ch); });
    if (numeric) {
      // Compared as text first: an index of any length is answered, never overflowed.
      const std::string digits = request.substr(std::min(request.find_first_not_of('0'), request.size() - 1));
      const unsigned long idx = digits.size() > 9 ? ~0ul : std::stoul(digits);
      if (idx >= infos.size())
        throw Error(ErrorCode::InvalidArgument, source + " asks for device index " + request + " but there are only " +
                    std::to_string(infos.size()) + " devices:" + listing());
      chosen = int(idx);
    } else {
      for (const auto& d : infos)
        if (lower(d.name).find(lower(request)) != std::string::npos) {
          chosen = int(d.index);
          break;
        }
      if (chosen < 0) throw Error(ErrorCode::InvalidArgument, source + " asks for a device named like '" + request + "'; none matches:" + listing());
    }
    if (!usable(infos[chosen]))
      throw Error(ErrorCode::Unsupported, "device " + infos[chosen].name + " cannot be used: " +
                  (infos[chosen].hasComputeQueue ? "it supports only Vulkan " + infos[chosen].caps.apiVersionString +
                                                       ", mobilevk needs 1.1"
                                                 : std::string("it has no compute queue")));
  } else {
    VkPhysicalDeviceProperties props;
    int bestRank = -1;
    for (uint32_t i = 0; i < devs.size(); ++i) {
      if (!usable(infos[i])) continue;
      vk_.GetPhysicalDeviceProperties(devs[i], &props);
      if (typeRank(props.deviceType) > bestRank) {
        bestRank = typeRank(props.deviceType);
        chosen = int(i);
      }
    }
    if (chosen < 0)
      throw Error(ErrorCode::Unsupported, "no Vulkan device with a compute queue and Vulkan 1.1 support was found:" + listing() +
                  "\nuse --device cpu for the CPU reference path");
  }
  physical_ = devs[chosen];
  info_ = infos[chosen];
  queueFamily_ = uint32_t(findComputeQueueFamily(vk_, physical_));
}

}  // namespace mobilevk
