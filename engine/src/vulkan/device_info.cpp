// What a physical device is and can do: DeviceInfo, listDevices().
#include "vulkan/gpu.h"

#include <algorithm>
#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/device_facts.h"

namespace mobilevk {

std::string versionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
         std::to_string(VK_API_VERSION_PATCH(v));
}

bool hasDeviceExtension(const VulkanFunctions& vk, VkPhysicalDevice pd, const char* name) {
  uint32_t n = 0;
  vk.EnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vk.EnumerateDeviceExtensionProperties(pd, nullptr, &n, exts.data());
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

const char* deviceTypeName(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

int findComputeQueueFamily(const VulkanFunctions& vk, VkPhysicalDevice pd) {
  uint32_t n = 0;
  vk.GetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fams(n);
  vk.GetPhysicalDeviceQueueFamilyProperties(pd, &n, fams.data());
  // Prefer a family that can also time itself (timestampValidBits > 0).
  int best = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(fams[i].queueFlags & VK_QUEUE_COMPUTE_BIT) || fams[i].queueCount == 0) continue;
    if (best < 0 || (fams[best].timestampValidBits == 0 && fams[i].timestampValidBits > 0)) best = int(i);
  }
  return best;
}

std::vector<VkPhysicalDevice> physicalDevices(const VulkanFunctions& vk, VkInstance instance) {
  uint32_t n = 0;
  vkCheck(vk.EnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devs(n);
  vkCheck(vk.EnumeratePhysicalDevices(instance, &n, devs.data()), "vkEnumeratePhysicalDevices");
  devs.resize(n);
  return devs;
}

DeviceInfo describePhysicalDevice(const VulkanFunctions& vk, VkPhysicalDevice pd, uint32_t index) {
  DeviceInfo d;
  d.index = index;
  VkPhysicalDeviceProperties props;
  vk.GetPhysicalDeviceProperties(pd, &props);
  d.name = props.deviceName;
  d.type = deviceTypeName(props.deviceType);
  auto& c = d.caps;
  c.apiVersion = props.apiVersion;
  c.apiVersionString = versionString(props.apiVersion);
  c.vendorId = props.vendorID;
  c.deviceId = props.deviceID;
  c.driverVersion = props.driverVersion;
  const auto& L = props.limits;
  for (int a = 0; a < 3; ++a) {
    c.maxWorkgroupSize[a] = L.maxComputeWorkGroupSize[a];
    c.maxWorkgroupCount[a] = L.maxComputeWorkGroupCount[a];
  }
  c.maxWorkgroupInvocations = L.maxComputeWorkGroupInvocations;
  c.maxSharedMemoryBytes = L.maxComputeSharedMemorySize;
  c.maxImageDimension2D = L.maxImageDimension2D;
  c.maxPushConstantBytes = L.maxPushConstantsSize;
  c.maxStorageBufferRange = L.maxStorageBufferRange;
  c.minStorageBufferOffsetAlignment = L.minStorageBufferOffsetAlignment;
  c.maxTexelBufferElements = L.maxTexelBufferElements;
  c.maxBoundDescriptorSets = L.maxBoundDescriptorSets;
  c.maxPerStageStorageBuffers = L.maxPerStageDescriptorStorageBuffers;
  c.maxPerStageSampledImages = L.maxPerStageDescriptorSampledImages;
  c.timestampPeriodNs = L.timestampPeriod;
  const int family = findComputeQueueFamily(vk, pd);
  d.hasComputeQueue = family >= 0;
  if (family >= 0) {
    uint32_t n = 0;
    vk.GetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> fams(n);
    vk.GetPhysicalDeviceQueueFamilyProperties(pd, &n, fams.data());
    // The family's valid bits are authoritative (timestampComputeAndGraphics only covers all families at once).
    c.timestamps = fams[family].timestampValidBits > 0;
    c.timestampValidBits = fams[family].timestampValidBits;
  }
  VkPhysicalDeviceMemoryProperties mem;
  vk.GetPhysicalDeviceMemoryProperties(pd, &mem);
  for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
    if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      c.deviceLocalBytes = std::max<uint64_t>(c.deviceLocalBytes, mem.memoryHeaps[h].size);

  if (props.apiVersion < VK_API_VERSION_1_1) return d;

  const bool v12 = props.apiVersion >= VK_API_VERSION_1_2;
  VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceMaintenance3Properties m3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
  VkPhysicalDeviceDriverProperties drv{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceIDProperties ids{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  p2.pNext = &ids;
  ids.pNext = &sub;
  sub.pNext = &m3;
  const bool hasDriverProps = v12 || hasDeviceExtension(vk, pd, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);
  if (hasDriverProps) m3.pNext = &drv;
  vk.GetPhysicalDeviceProperties2(pd, &p2);
  static const char* const hex = "0123456789abcdef";
  for (uint8_t byte : ids.deviceUUID) {
    c.deviceUuid += hex[byte >> 4];
    c.deviceUuid += hex[byte & 15];
  }
  c.subgroupSize = c.hardwareSubgroupSize = sub.subgroupSize;
  c.subgroupInCompute = (sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0;
  c.maxMemoryAllocationSize = m3.maxMemoryAllocationSize;
  if (hasDriverProps) {
    c.driverName = drv.driverName;
    c.driverInfo = drv.driverInfo;
  }
  const std::pair<VkSubgroupFeatureFlagBits, const char*> ops[] = {
      {VK_SUBGROUP_FEATURE_BASIC_BIT, "basic"},         {VK_SUBGROUP_FEATURE_VOTE_BIT, "vote"},
      {VK_SUBGROUP_FEATURE_ARITHMETIC_BIT, "arithmetic"}, {VK_SUBGROUP_FEATURE_BALLOT_BIT, "ballot"},
      {VK_SUBGROUP_FEATURE_SHUFFLE_BIT, "shuffle"},     {VK_SUBGROUP_FEATURE_SHUFFLE_RELATIVE_BIT, "shuffle_relative"},
      {VK_SUBGROUP_FEATURE_CLUSTERED_BIT, "clustered"}, {VK_SUBGROUP_FEATURE_QUAD_BIT, "quad"}};
  for (const auto& [bit, name] : ops)
    if (sub.supportedOperations & bit) c.subgroupOperations.push_back(name);

  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDevice8BitStorageFeatures s8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
  VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f2.pNext = &s16;
  void** tail = &s16.pNext;
  if (v12 || hasDeviceExtension(vk, pd, VK_KHR_8BIT_STORAGE_EXTENSION_NAME)) {
    *tail = &s8;
    tail = &s8.pNext;
  }
  if (v12 || hasDeviceExtension(vk, pd, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)) {
    *tail = &f16;
    tail = &f16.pNext;
  }
  // Asked through the extension (mobilevk's instance is Vulkan 1.1, so 1.3's core feature is not
  // available to it; a 1.3 driver still lists the extension).
  VkPhysicalDeviceShaderIntegerDotProductFeatures dot{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
  const bool hasDot = hasDeviceExtension(vk, pd, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
  if (hasDot) *tail = &dot;
  vk.GetPhysicalDeviceFeatures2(pd, &f2);
  c.integerDotProduct = hasDot && dot.shaderIntegerDotProduct;
  if (c.integerDotProduct) {
    VkPhysicalDeviceShaderIntegerDotProductProperties dp{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES};
    VkPhysicalDeviceProperties2 dp2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    dp2.pNext = &dp;
    vk.GetPhysicalDeviceProperties2(pd, &dp2);
    c.integerDotProductAccelerated = dp.integerDotProduct4x8BitPackedSignedAccelerated &&
                                     dp.integerDotProduct4x8BitPackedUnsignedAccelerated;
  }
  c.storage16bit = s16.storageBuffer16BitAccess;
  c.storage8bit = s8.storageBuffer8BitAccess;
  c.float16Arithmetic = f16.shaderFloat16;
  c.int8Arithmetic = f16.shaderInt8;
  return d;
}

std::vector<DeviceInfo> listDevices() {
  VulkanFunctions vk = VulkanFunctions::load(nullptr);
  VkInstance instance = createBareInstance(vk, false, false, false);
  std::vector<DeviceInfo> out;
  try {
    vk.loadInstance(instance);
    auto devs = physicalDevices(vk, instance);
    for (uint32_t i = 0; i < devs.size(); ++i) out.push_back(describePhysicalDevice(vk, devs[i], i));
  } catch (...) {
    vk.DestroyInstance(instance, nullptr);
    throw;
  }
  vk.DestroyInstance(instance, nullptr);
  return out;
}

}  // namespace mobilevk
