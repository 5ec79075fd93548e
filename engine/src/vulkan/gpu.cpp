// The Gpu: creation and teardown of the device and its objects, the pipeline table, command
// buffers of the shared pool, the validation messages, and the Context around it.
#include "vulkan/gpu.h"

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/device_facts.h"
#include "vulkan/command.h"
#include "vulkan/device_profile.h"

namespace mobilevk {

Gpu::Gpu(const ContextOptions& options)
    : forceStaging_(options.forceStaging), initialCache_(options.pipelineCache), log_(options.log),
      validationCallback_(options.validationCallback) {
  vk_ = VulkanFunctions::load(nullptr);
  try {
    createInstance(options);
    choosePhysicalDevice(options);
    applyDeviceProfile(options);
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
  // Loaded before any handle is stored: destroy() must find nothing to tear down if this throws.
  VulkanFunctions vk = VulkanFunctions::load(ext.getInstanceProcAddr);
  vk.loadInstance(ext.instance);
  vk.loadDevice(ext.device);
  vk_ = vk;
  instance_ = ext.instance;
  physical_ = ext.physicalDevice;
  device_ = ext.device;
  queue_ = ext.queue;
  queueFamily_ = ext.queueFamilyIndex;
  try {
    uint32_t index = 0;
    const auto devs = physicalDevices(vk_, instance_);
    for (uint32_t i = 0; i < devs.size(); ++i)
      if (devs[i] == physical_) index = i;
    info_ = describePhysicalDevice(vk_, physical_, index);
    if (info_.caps.apiVersion < VK_API_VERSION_1_1)
      throw Error(ErrorCode::Unsupported, "external Vulkan device " + info_.name + " supports Vulkan " + info_.caps.apiVersionString +
                  "; mobilevk needs 1.1");
    uint32_t n = 0;
    vk_.GetPhysicalDeviceQueueFamilyProperties(physical_, &n, nullptr);
    std::vector<VkQueueFamilyProperties> fams(n);
    vk_.GetPhysicalDeviceQueueFamilyProperties(physical_, &n, fams.data());
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
    caps.integerDotProduct = caps.integerDotProduct && ext.shaderIntegerDotProductEnabled;
    caps.integerDotProductAccelerated = caps.integerDotProduct && caps.integerDotProductAccelerated;
    applyDeviceProfile(options);
    createDeviceObjects();
  } catch (...) {
    destroy();
    throw;
  }
}

Gpu::~Gpu() { destroy(); }

void Gpu::applyDeviceProfile(const ContextOptions& options) {
  if (options.deviceProfile.empty()) return;
  const DeviceProfile profile = loadDeviceProfile(options.deviceProfile);
  std::vector<std::string> overClaims;
  info_.caps = clampToProfile(info_.caps, profile, overClaims);
  info_.type = profile.type;  // the kernel defaults follow the profiled GPU's kind
  log(LogLevel::Info, "device profile " + profile.name + " (" + profile.device + ") on " + info_.name +
                          ": limits and features clamped to the profile's");
  for (const auto& line : overClaims)
    log(LogLevel::Warning, "device profile " + profile.name + " claims more than " + info_.name + " has, the device's value is used: " + line);
}

void Gpu::destroy() {
  // A device of our own is idled before teardown; a host's device is never waited on (the host
  // guarantees its command buffers with our work have completed, see ExternalVulkan).
  if (device_ && ownsDevice_) vk_.DeviceWaitIdle(device_);
  pipelines_.clear();
  allocator_.reset();
  if (pipelineCache_) vk_.DestroyPipelineCache(device_, pipelineCache_, nullptr);
  if (commandPool_) vk_.DestroyCommandPool(device_, commandPool_, nullptr);
  if (device_ && ownsDevice_) vk_.DestroyDevice(device_, nullptr);
  if (messenger_) vk_.DestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
  if (instance_ && ownsDevice_) vk_.DestroyInstance(instance_, nullptr);
  pipelineCache_ = VK_NULL_HANDLE;
  commandPool_ = VK_NULL_HANDLE;
  device_ = VK_NULL_HANDLE;
  messenger_ = VK_NULL_HANDLE;
  instance_ = VK_NULL_HANDLE;
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
  // Packed 8-bit dot products for integer execution (NetworkOptions::DotProduct).
  VkPhysicalDeviceShaderIntegerDotProductFeatures dot{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
  if (info_.caps.integerDotProduct) {
    dot.shaderIntegerDotProduct = VK_TRUE;
    dot.pNext = f2.pNext;
    f2.pNext = &dot;
    exts.push_back(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
  }
  VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  ci.pNext = &f2;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &qi;
  ci.enabledExtensionCount = uint32_t(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  vkCheck(vk_.CreateDevice(physical_, &ci, nullptr, &device_), "vkCreateDevice on " + info_.name);
  vk_.loadDevice(device_);
  vk_.GetDeviceQueue(device_, queueFamily_, 0, &queue_);
  createDeviceObjects();
}

void Gpu::createDeviceObjects() {
  VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = queueFamily_;
  vkCheck(vk_.CreateCommandPool(device_, &pi, nullptr, &commandPool_), "vkCreateCommandPool");

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
  if (vk_.CreatePipelineCache(device_, &pc, nullptr, &pipelineCache_) != VK_SUCCESS) {
    log(LogLevel::Warning, "the driver rejected the pipeline cache given; starting empty");
    pc.initialDataSize = 0;
    pc.pInitialData = nullptr;
    vkCheck(vk_.CreatePipelineCache(device_, &pc, nullptr, &pipelineCache_), "vkCreatePipelineCache");
  } else {
    cacheLoaded_ = !blob.empty();
  }

  allocator_ = std::make_unique<MemoryAllocator>(vk_, physical_, device_, info_.caps.maxMemoryAllocationSize);
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
  vkCheck(vk_.AllocateCommandBuffers(device_, &ai, &cmd), "vkAllocateCommandBuffers");
  return cmd;
}

void Gpu::freeCommandBuffer(VkCommandBuffer cmd) {
  std::lock_guard<std::mutex> lock(poolMutex_);
  vk_.FreeCommandBuffers(device_, commandPool_, 1, &cmd);
}

std::vector<std::string> Gpu::validationMessages() const {
  std::lock_guard<std::mutex> lock(messagesMutex_);
  return messages_;
}

void Gpu::clearValidationMessages() {
  std::lock_guard<std::mutex> lock(messagesMutex_);
  messages_.clear();
}

Context::Context(const ContextOptions& options) : gpu_(std::make_shared<Gpu>(options)) {}
Context::Context(const ExternalVulkan& external, const ContextOptions& options)
    : gpu_(std::make_shared<Gpu>(external, options)) {}
Context::~Context() = default;
const DeviceInfo& Context::device() const { return gpu_->info(); }
bool Context::validationEnabled() const { return gpu_->validationEnabled(); }
std::vector<std::string> Context::validationMessages() const { return gpu_->validationMessages(); }
void Context::clearValidationMessages() { gpu_->clearValidationMessages(); }
std::vector<uint8_t> Context::pipelineCacheData() const { return gpu_->pipelineCacheData(); }
bool Context::deviceLost() const { return gpu_->deviceLost(); }
bool Context::pipelineCacheLoaded() const { return gpu_->pipelineCacheLoaded(); }

}  // namespace mobilevk
