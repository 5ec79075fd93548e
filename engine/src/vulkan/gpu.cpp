#include "vulkan/gpu.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <cstdio>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/command.h"

namespace mobilevk {

namespace {

const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::string versionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
         std::to_string(VK_API_VERSION_PATCH(v));
}

bool hasDeviceExtension(VkPhysicalDevice pd, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, exts.data());
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

bool hasInstanceLayer(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  for (const auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}

bool hasInstanceExtension(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateInstanceExtensionProperties(nullptr, &n, exts.data());
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

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

const char* typeName(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

int findComputeQueueFamily(VkPhysicalDevice pd) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fams(n);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, fams.data());
  // Prefer a family that can also time itself (timestampValidBits > 0).
  int best = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(fams[i].queueFlags & VK_QUEUE_COMPUTE_BIT) || fams[i].queueCount == 0) continue;
    if (best < 0 || (fams[best].timestampValidBits == 0 && fams[i].timestampValidBits > 0)) best = int(i);
  }
  return best;
}

VkInstance createBareInstance(bool validation, bool debugUtils, bool synchronizationValidation) {
  const bool syncValidation = validation && synchronizationValidation;
  VkValidationFeatureEnableEXT syncFeature = VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = &syncFeature;
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (vkEnumerateInstanceVersion(&loaderVersion) != VK_SUCCESS) loaderVersion = VK_API_VERSION_1_0;
  if (loaderVersion < VK_API_VERSION_1_1)
    throw Error(ErrorCode::Unsupported, "the Vulkan loader supports only Vulkan " + versionString(loaderVersion) +
                "; mobilevk needs 1.1 or newer (on Debian: apt-get install libvulkan1)");
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "mobilevk";
  app.pEngineName = "mobilevk";
  app.apiVersion = VK_API_VERSION_1_1;
  std::vector<const char*> layers, exts;
  if (validation) layers.push_back(kValidationLayer);
  if (debugUtils) exts.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  // VkValidationFeaturesEXT is honoured only with the layer's VK_EXT_validation_features enabled.
  if (syncValidation) exts.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  // MoltenVK and other portability drivers are hidden unless asked for.
  if (hasInstanceExtension(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    exts.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    ci.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  ci.pApplicationInfo = &app;
  if (syncValidation) ci.pNext = &features;
  ci.enabledLayerCount = uint32_t(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  ci.enabledExtensionCount = uint32_t(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  VkInstance instance = VK_NULL_HANDLE;
  vkCheck(vkCreateInstance(&ci, nullptr, &instance), "vkCreateInstance (Vulkan 1.1)");
  return instance;
}

std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance) {
  uint32_t n = 0;
  vkCheck(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devs(n);
  vkCheck(vkEnumeratePhysicalDevices(instance, &n, devs.data()), "vkEnumeratePhysicalDevices");
  devs.resize(n);
  return devs;
}

}  // namespace

DeviceInfo describePhysicalDevice(VkPhysicalDevice pd, uint32_t index) {
  DeviceInfo d;
  d.index = index;
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(pd, &props);
  d.name = props.deviceName;
  d.type = typeName(props.deviceType);
  auto& c = d.caps;
  c.apiVersion = props.apiVersion;
  c.apiVersionString = versionString(props.apiVersion);
  c.vendorId = props.vendorID;
  c.deviceId = props.deviceID;
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
  c.timestampPeriodNs = L.timestampPeriod;
  const int family = findComputeQueueFamily(pd);
  d.hasComputeQueue = family >= 0;
  if (family >= 0) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> fams(n);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, fams.data());
    // The family's valid bits are authoritative (timestampComputeAndGraphics only covers all families at once).
    c.timestamps = fams[family].timestampValidBits > 0;
    c.timestampValidBits = fams[family].timestampValidBits;
  }
  VkPhysicalDeviceMemoryProperties mem;
  vkGetPhysicalDeviceMemoryProperties(pd, &mem);
  for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
    if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      c.deviceLocalBytes = std::max<uint64_t>(c.deviceLocalBytes, mem.memoryHeaps[h].size);

  if (props.apiVersion < VK_API_VERSION_1_1) return d;

  const bool v12 = props.apiVersion >= VK_API_VERSION_1_2;
  VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceMaintenance3Properties m3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
  VkPhysicalDeviceDriverProperties drv{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  p2.pNext = &sub;
  sub.pNext = &m3;
  const bool hasDriverProps = v12 || hasDeviceExtension(pd, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);
  if (hasDriverProps) m3.pNext = &drv;
  vkGetPhysicalDeviceProperties2(pd, &p2);
  c.subgroupSize = sub.subgroupSize;
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
  if (v12 || hasDeviceExtension(pd, VK_KHR_8BIT_STORAGE_EXTENSION_NAME)) {
    *tail = &s8;
    tail = &s8.pNext;
  }
  if (v12 || hasDeviceExtension(pd, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)) *tail = &f16;
  vkGetPhysicalDeviceFeatures2(pd, &f2);
  c.storage16bit = s16.storageBuffer16BitAccess;
  c.storage8bit = s8.storageBuffer8BitAccess;
  c.float16Arithmetic = f16.shaderFloat16;
  c.int8Arithmetic = f16.shaderInt8;
  return d;
}

std::vector<DeviceInfo> listDevices() {
  VkInstance instance = createBareInstance(false, false, false);
  std::vector<DeviceInfo> out;
  try {
    auto devs = physicalDevices(instance);
    for (uint32_t i = 0; i < devs.size(); ++i) out.push_back(describePhysicalDevice(devs[i], i));
  } catch (...) {
    vkDestroyInstance(instance, nullptr);
    throw;
  }
  vkDestroyInstance(instance, nullptr);
  return out;
}

Gpu::Gpu(const ContextOptions& options)
    : forceStaging_(options.forceStaging), initialCache_(options.pipelineCache), log_(options.log),
      validationCallback_(options.validationCallback) {
  try {
    createInstance(options);
    choosePhysicalDevice(options);
    createDevice();
  } catch (...) {
    destroy();
    throw;
  }
}

Gpu::Gpu(const ExternalVulkan& ext, const ContextOptions& options)
    : forceStaging_(options.forceStaging), ownsDevice_(false), initialCache_(options.pipelineCache), log_(options.log),
      validationCallback_(options.validationCallback) {
  if (!ext.instance || !ext.physicalDevice || !ext.device || !ext.queue)
    throw Error(ErrorCode::InvalidArgument, "external Vulkan device: instance, physicalDevice, device and queue must all be given");
  instance_ = ext.instance;
  physical_ = ext.physicalDevice;
  device_ = ext.device;
  queue_ = ext.queue;
  queueFamily_ = ext.queueFamilyIndex;
  try {
    uint32_t index = 0;
    const auto devs = physicalDevices(instance_);
    for (uint32_t i = 0; i < devs.size(); ++i)
      if (devs[i] == physical_) index = i;
    info_ = describePhysicalDevice(physical_, index);
    if (info_.caps.apiVersion < VK_API_VERSION_1_1)
      throw Error(ErrorCode::Unsupported, "external Vulkan device " + info_.name + " supports Vulkan " + info_.caps.apiVersionString +
                  "; mobilevk needs 1.1");
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &n, nullptr);
    std::vector<VkQueueFamilyProperties> fams(n);
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &n, fams.data());
    if (queueFamily_ >= n || !(fams[queueFamily_].queueFlags & VK_QUEUE_COMPUTE_BIT))
      throw Error(ErrorCode::InvalidArgument, "external Vulkan device: queue family " + std::to_string(queueFamily_) + " does not support compute");
    auto& caps = info_.caps;
    caps.timestampValidBits = fams[queueFamily_].timestampValidBits;
    caps.timestamps = caps.timestampValidBits > 0;
    // Only what the host enabled can be used.
    caps.storage16bit = caps.storage16bit && ext.storageBuffer16BitAccessEnabled;
    caps.float16Arithmetic = false;
    caps.int8Arithmetic = false;
    caps.storage8bit = false;
    createDeviceObjects();
  } catch (...) {
    destroy();
    throw;
  }
}

Gpu::~Gpu() { destroy(); }

void Gpu::log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

// Whether a cache blob was written by this device and driver. VkPipelineCacheHeaderVersionOne:
// length, version, vendorID, deviceID, pipelineCacheUUID. A driver must cope with a bad blob, but
// not all do gracefully; checking first also lets the log say why a cache was not used.
std::string Gpu::pipelineCacheMismatch(const std::vector<uint8_t>& blob) const {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical_, &props);
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
  vkCheck(vkGetPipelineCacheData(device_, pipelineCache_, &size, nullptr), "vkGetPipelineCacheData");
  std::vector<uint8_t> data(size);
  vkCheck(vkGetPipelineCacheData(device_, pipelineCache_, &size, data.data()), "vkGetPipelineCacheData");
  data.resize(size);
  return data;
}

void Gpu::destroy() {
  // A device of our own is idled before teardown; a host's device is never waited on (the host
  // guarantees its command buffers with our work have completed, see ExternalVulkan).
  if (device_ && ownsDevice_) vkDeviceWaitIdle(device_);
  pipelines_.clear();
  allocator_.reset();
  if (pipelineCache_) vkDestroyPipelineCache(device_, pipelineCache_, nullptr);
  if (commandPool_) vkDestroyCommandPool(device_, commandPool_, nullptr);
  if (device_ && ownsDevice_) vkDestroyDevice(device_, nullptr);
  if (messenger_) {
    auto fn = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (fn) fn(instance_, messenger_, nullptr);
  }
  if (instance_ && ownsDevice_) vkDestroyInstance(instance_, nullptr);
  pipelineCache_ = VK_NULL_HANDLE;
  commandPool_ = VK_NULL_HANDLE;
  device_ = VK_NULL_HANDLE;
  messenger_ = VK_NULL_HANDLE;
  instance_ = VK_NULL_HANDLE;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Gpu::debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                  VkDebugUtilsMessageTypeFlagsEXT, 
                                                  const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  auto* self = static_cast<Gpu*>(user);
  std::string msg = std::string(severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error: " : "warning: ") +
                    (data && data->pMessage ? data->pMessage : "(no message)");
  self->log(severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? LogLevel::Error : LogLevel::Warning,
            "[vulkan validation] " + msg);
  if (self->validationCallback_) self->validationCallback_(msg);
  std::lock_guard<std::mutex> lock(self->messagesMutex_);
  self->messages_.push_back(std::move(msg));
  return VK_FALSE;
}

void Gpu::createInstance(const ContextOptions& options) {
  bool want = false;
  switch (options.validation) {
    case Validation::On: want = true; break;
    case Validation::Off: want = false; break;
    case Validation::Auto:
#ifdef NDEBUG
      want = false;
#else
      want = true;
#endif
      break;
  }
  if (want && !hasInstanceLayer(kValidationLayer)) {
    if (options.validation == Validation::On)
      throw Error(ErrorCode::Unsupported, std::string("validation was requested but ") + kValidationLayer +
                  " is not installed (on Debian: apt-get install vulkan-validationlayers)");
    want = false;
  }
  const bool debugUtils = want && hasInstanceExtension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  if (want && !debugUtils && options.validation == Validation::On)
    throw Error(ErrorCode::Unsupported, "validation was requested but VK_EXT_debug_utils is missing, so its messages could not be captured");
  instance_ = createBareInstance(want, debugUtils, options.synchronizationValidation);
  validation_ = want;
  if (debugUtils) {
    VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mi.pfnUserCallback = &Gpu::debugCallback;
    mi.pUserData = this;
    auto fn = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!fn) throw Error("vkCreateDebugUtilsMessengerEXT is not exported although VK_EXT_debug_utils is enabled");
    vkCheck(fn(instance_, &mi, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
  }
}

void Gpu::choosePhysicalDevice(const ContextOptions& options) {
  auto devs = physicalDevices(instance_);
  if (devs.empty())
    throw Error(ErrorCode::Unsupported, "no Vulkan device found: install a Vulkan driver (for a CPU fallback on Debian: apt-get install "
                "mesa-vulkan-drivers), or use --device cpu");
  std::vector<DeviceInfo> infos;
  for (uint32_t i = 0; i < devs.size(); ++i) infos.push_back(describePhysicalDevice(devs[i], i));

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
      vkGetPhysicalDeviceProperties(devs[i], &props);
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
  queueFamily_ = uint32_t(findComputeQueueFamily(physical_));
}

void Gpu::createDevice() {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qi.queueFamilyIndex = queueFamily_;
  qi.queueCount = 1;
  qi.pQueuePriorities = &priority;

  // Enable the 16-bit storage and fp16 arithmetic the device has; the fp16 shader variants use them.
  const bool v12 = info_.caps.apiVersion >= VK_API_VERSION_1_2;
  std::vector<const char*> exts;
  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  s16.storageBuffer16BitAccess = info_.caps.storage16bit;
  f2.pNext = &s16;
  if (info_.caps.float16Arithmetic) {
    f16.shaderFloat16 = VK_TRUE;
    s16.pNext = &f16;
    if (!v12) exts.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  }
  VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  ci.pNext = &f2;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &qi;
  ci.enabledExtensionCount = uint32_t(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  vkCheck(vkCreateDevice(physical_, &ci, nullptr, &device_), "vkCreateDevice on " + info_.name);
  vkGetDeviceQueue(device_, queueFamily_, 0, &queue_);
  createDeviceObjects();
}

void Gpu::createDeviceObjects() {
  VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = queueFamily_;
  vkCheck(vkCreateCommandPool(device_, &pi, nullptr, &commandPool_), "vkCreateCommandPool");

  std::vector<uint8_t> blob;
  if (!initialCache_.empty()) {
    const std::string why = pipelineCacheMismatch(initialCache_);
    if (why.empty()) blob = std::move(initialCache_);
    else log(LogLevel::Warning, "ignoring the pipeline cache given (" + std::to_string(initialCache_.size()) + " bytes): " + why);
    initialCache_.clear();
  }
  VkPipelineCacheCreateInfo pc{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  pc.initialDataSize = blob.size();
  pc.pInitialData = blob.empty() ? nullptr : blob.data();
  if (vkCreatePipelineCache(device_, &pc, nullptr, &pipelineCache_) != VK_SUCCESS) {
    log(LogLevel::Warning, "the driver rejected the pipeline cache given; starting empty");
    pc.initialDataSize = 0;
    pc.pInitialData = nullptr;
    vkCheck(vkCreatePipelineCache(device_, &pc, nullptr, &pipelineCache_), "vkCreatePipelineCache");
  } else {
    cacheLoaded_ = !blob.empty();
  }

  allocator_ = std::make_unique<MemoryAllocator>(physical_, device_);
}

std::shared_ptr<const ComputePipeline> Gpu::pipeline(const PipelineDesc& desc) {
  std::lock_guard<std::mutex> lock(pipelineMutex_);
  auto key = desc.key();
  auto it = pipelines_.find(key);
  if (it != pipelines_.end()) return it->second;
  auto p = std::make_shared<const ComputePipeline>(*this, desc);
  pipelines_.emplace(key, p);
  return p;
}

VkCommandBuffer Gpu::allocateCommandBuffer() {
  std::lock_guard<std::mutex> lock(poolMutex_);
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = commandPool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  vkCheck(vkAllocateCommandBuffers(device_, &ai, &cmd), "vkAllocateCommandBuffers");
  return cmd;
}

void Gpu::freeCommandBuffer(VkCommandBuffer cmd) {
  std::lock_guard<std::mutex> lock(poolMutex_);
  vkFreeCommandBuffers(device_, commandPool_, 1, &cmd);
}

void Gpu::checkNotLost(const char* what) const {
  if (lost_)
    throw Error(ErrorCode::DeviceLost, std::string(what) + ": the Vulkan device " + info_.name +
                " was lost earlier (VK_ERROR_DEVICE_LOST); create a new Context (or use --device cpu)");
}

void Gpu::checkSubmitResult(VkResult r, const std::string& what) {
  if (r == VK_ERROR_DEVICE_LOST) lost_ = true;
  vkCheck(r, what);
}

void Gpu::submit(VkCommandBuffer cmd, VkFence fence, const char* what) {
  submit(cmd, VK_NULL_HANDLE, 0, VK_NULL_HANDLE, fence, what);
}

void Gpu::submit(VkCommandBuffer cmd, VkSemaphore wait, VkPipelineStageFlags waitStage, VkSemaphore signal,
                 VkFence fence, const char* what) {
  checkNotLost(what);
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  if (wait) {
    si.waitSemaphoreCount = 1;
    si.pWaitSemaphores = &wait;
    si.pWaitDstStageMask = &waitStage;
  }
  if (signal) {
    si.signalSemaphoreCount = 1;
    si.pSignalSemaphores = &signal;
  }
  std::lock_guard<std::mutex> lock(queueMutex_);
  const VkResult injected = submitFault_.exchange(VK_SUCCESS);
  checkSubmitResult(injected != VK_SUCCESS ? injected : vkQueueSubmit(queue_, 1, &si, fence),
                    std::string("vkQueueSubmit for ") + what);
}

void Gpu::runAndWait(const std::function<void(VkCommandBuffer)>& record, const char* what) {
  // A pool of its own, so no lock is held while `record` runs: it may use the shared pool, or a
  // Network (whose calls take its lock, then the shared pool's).
  CommandBuffer cmd(*this, CommandBuffer::OwnPool{});
  cmd.begin(true);
  record(cmd.handle());
  cmd.end();
  Fence fence(*this);
  submit(cmd.handle(), fence.handle(), what);
  fence.wait(what);
}

void Gpu::upload(const Buffer& dst, const void* src, size_t bytes, size_t dstOffset) {
  if (dstOffset + bytes > dst.size())
    throw Error(ErrorCode::InvalidArgument, "upload of " + std::to_string(bytes) + " bytes at offset " + std::to_string(dstOffset) +
                " overruns a buffer of " + std::to_string(dst.size()) + " bytes");
  if (bytes == 0) return;
  if (dst.mapped() && !forceStaging_) {
    std::memcpy(static_cast<char*>(dst.mapped()) + dstOffset, src, bytes);
    return;
  }
  Buffer staging(*this, bytes, MemoryUsage::Upload, "upload staging buffer");
  std::memcpy(staging.mapped(), src, bytes);
  runAndWait(
      [&](VkCommandBuffer cmd) {
        VkBufferCopy region{0, dstOffset, bytes};
        vkCmdCopyBuffer(cmd, staging.handle(), dst.handle(), 1, &region);
      },
      "staged upload");
}

void Gpu::download(const Buffer& src, void* dst, size_t bytes, size_t srcOffset) {
  if (srcOffset + bytes > src.size())
    throw Error(ErrorCode::InvalidArgument, "download of " + std::to_string(bytes) + " bytes at offset " + std::to_string(srcOffset) +
                " overruns a buffer of " + std::to_string(src.size()) + " bytes");
  if (bytes == 0) return;
  if (src.mapped() && !forceStaging_) {
    std::memcpy(dst, static_cast<const char*>(src.mapped()) + srcOffset, bytes);
    return;
  }
  Buffer staging(*this, bytes, MemoryUsage::Readback, "download staging buffer");
  runAndWait(
      [&](VkCommandBuffer cmd) {
        VkBufferCopy region{srcOffset, 0, bytes};
        vkCmdCopyBuffer(cmd, src.handle(), staging.handle(), 1, &region);
        anyToHostBarrier(cmd);
      },
      "staged download");
  std::memcpy(dst, staging.mapped(), bytes);
}

std::vector<std::string> Gpu::validationMessages() const {
  std::lock_guard<std::mutex> lock(messagesMutex_);
  return messages_;
}

void Gpu::clearValidationMessages() {
  std::lock_guard<std::mutex> lock(messagesMutex_);
  messages_.clear();
}

Context::Context(const ContextOptions& options) : gpu_(std::make_unique<Gpu>(options)) {}
Context::Context(const ExternalVulkan& external, const ContextOptions& options)
    : gpu_(std::make_unique<Gpu>(external, options)) {}
Context::~Context() = default;
const DeviceInfo& Context::device() const { return gpu_->info(); }
bool Context::validationEnabled() const { return gpu_->validationEnabled(); }
std::vector<std::string> Context::validationMessages() const { return gpu_->validationMessages(); }
void Context::clearValidationMessages() { gpu_->clearValidationMessages(); }
std::vector<uint8_t> Context::pipelineCacheData() const { return gpu_->pipelineCacheData(); }
bool Context::deviceLost() const { return gpu_->deviceLost(); }
bool Context::pipelineCacheLoaded() const { return gpu_->pipelineCacheLoaded(); }

}  // namespace mobilevk
