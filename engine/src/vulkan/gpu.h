#pragma once
// The live Vulkan objects behind a mobilevk::Context: instance, debug messenger, device, compute
// queue, command pool, memory allocator, pipeline cache and the table of built pipelines.
#include <vulkan/vulkan.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mobilevk/context.h"
#include "vulkan/functions.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"

namespace mobilevk {

class Gpu {
 public:
  explicit Gpu(const ContextOptions& options);
  Gpu(const ExternalVulkan& external, const ContextOptions& options);
  bool ownsDevice() const { return ownsDevice_; }
  std::vector<uint8_t> pipelineCacheData() const;
  // Passes a message to the context's log callback (dropped when there is none).
  void log(LogLevel level, const std::string& message) const;
  bool pipelineCacheLoaded() const { return cacheLoaded_; }
  ~Gpu();
  Gpu(const Gpu&) = delete;
  Gpu& operator=(const Gpu&) = delete;

  // Every Vulkan call goes through this table (see functions.h).
  const VulkanFunctions& vk() const { return vk_; }
  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physicalDevice() const { return physical_; }
  VkDevice device() const { return device_; }
  uint32_t queueFamily() const { return queueFamily_; }
  const DeviceInfo& info() const { return info_; }
  // The device as messages name it: "device llvmpipe (...)", or, under a device profile (whose
  // limits are what a refusal is about), "device profile 'mali-valhall' (on llvmpipe (...))".
  std::string describe() const {
    return info_.caps.profile.empty() ? "device " + info_.name
                                      : "device profile '" + info_.caps.profile + "' (on " + info_.name + ")";
  }
  MemoryAllocator& allocator() { return *allocator_; }
  VkPipelineCache pipelineCache() const { return pipelineCache_; }
  bool validationEnabled() const { return validation_; }

  // Built once per distinct description and shared by every op that asks for it.
  std::shared_ptr<const ComputePipeline> pipeline(const PipelineDesc& desc);

  VkCommandBuffer allocateCommandBuffer();
  // Recording into a command buffer of the shared pool needs the pool's lock (Vulkan's external
  // synchronization rule for command pools).
  std::unique_lock<std::mutex> lockCommandPool() { return std::unique_lock<std::mutex>(poolMutex_); }
  void freeCommandBuffer(VkCommandBuffer cmd);
  // Submits to the compute queue (serialized across threads, as Vulkan requires).
  void submit(VkCommandBuffer cmd, VkFence fence, const char* what);
  void submit(VkCommandBuffer cmd, VkSemaphore wait, VkPipelineStageFlags waitStage, VkSemaphore signal, VkFence fence,
              const char* what);
  // Records with `record` into a one-time command buffer from a transient pool of its own (no lock
  // is held while `record` runs, so it may use the shared pool or a Network), submits it and waits.
  void runAndWait(const std::function<void(VkCommandBuffer)>& record, const char* what);

  // Host <-> device copies for whole or partial buffers; mapped memcpy where the memory is
  // host-visible (and forceStaging is off), else through a staging buffer.
  void upload(const Buffer& dst, const void* src, size_t bytes, size_t dstOffset = 0);
  void download(const Buffer& src, void* dst, size_t bytes, size_t srcOffset = 0);
  // Uploads gathered while a network is built and sent together: mapped memcpy at once where
  // memory is host-visible; else one staging buffer, one command buffer, one submission and one
  // wait at flush() for all of them (instead of one wait per buffer). The destinations must stay
  // alive until flush().
  class UploadBatch {
   public:
    explicit UploadBatch(Gpu& gpu) : gpu_(gpu) {}
    void add(const Buffer& dst, std::vector<uint8_t> bytes);
    void flush();
    size_t submissions() const { return submissions_; }

   private:
    Gpu& gpu_;
    std::vector<std::pair<const Buffer*, std::vector<uint8_t>>> pending_;
    size_t submissions_ = 0;
  };
  bool usesStaging() const { return forceStaging_ || !allocator_->deviceMemoryIsHostVisible(); }

  // After VK_ERROR_DEVICE_LOST every further submission fails at once with a clear message.
  bool deviceLost() const { return lost_; }
  void markLost() { lost_ = true; }
  void checkNotLost(const char* what) const;
  // Queue submissions made so far (for tests that count them).
  size_t submissionCount() const { return submissions_; }
  // Test-only fault injection: the next queue submission, or the next buffer allocation, fails
  // with `r` instead of reaching the driver.
  void injectSubmitFault(VkResult r) { submitFault_ = r; }
  void injectAllocationFault(VkResult r) { allocationFault_ = r; }
  VkResult takeAllocationFault() { return allocationFault_.exchange(VK_SUCCESS); }

  std::vector<std::string> validationMessages() const;
  void clearValidationMessages();

 private:
  static VKAPI_ATTR VkBool32 VKAPI_CALL debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                      VkDebugUtilsMessageTypeFlagsEXT type,
                                                      const VkDebugUtilsMessengerCallbackDataEXT* data, void* user);
  void createInstance(const ContextOptions& options);
  void choosePhysicalDevice(const ContextOptions& options);
  void createDevice();
  // Clamps info_.caps to options.deviceProfile (vulkan/device_profile.h), before anything reads them.
  void applyDeviceProfile(const ContextOptions& options);
  void createDeviceObjects();
  void destroy();

  VulkanFunctions vk_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queueFamily_ = 0;
  VkCommandPool commandPool_ = VK_NULL_HANDLE;
  VkPipelineCache pipelineCache_ = VK_NULL_HANDLE;
  std::unique_ptr<MemoryAllocator> allocator_;
  DeviceInfo info_;
  bool validation_ = false;
  bool forceStaging_ = false;
  bool ownsDevice_ = true;
  std::atomic<bool> lost_{false};
  std::atomic<size_t> submissions_{0};
  std::atomic<VkResult> submitFault_{VK_SUCCESS}, allocationFault_{VK_SUCCESS};
  // Checks a submission-path result, remembering device loss.
  void checkSubmitResult(VkResult r, const std::string& what);
  std::vector<uint8_t> initialCache_;
  bool cacheLoaded_ = false;
  // Why `blob` cannot serve this device and driver, or "" when it can.
  std::string pipelineCacheMismatch(const std::vector<uint8_t>& blob) const;
  LogCallback log_;

  std::mutex queueMutex_, poolMutex_, pipelineMutex_;
  std::map<std::string, std::shared_ptr<const ComputePipeline>> pipelines_;
  mutable std::mutex messagesMutex_;
  std::vector<std::string> messages_;
  std::function<void(const std::string&)> validationCallback_;
};

// Fills a DeviceInfo from a physical device (shared by listDevices and Gpu).
DeviceInfo describePhysicalDevice(const VulkanFunctions& vk, VkPhysicalDevice physical, uint32_t index);

}  // namespace mobilevk
