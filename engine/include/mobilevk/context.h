#pragma once
// The context owns one Vulkan instance and device; everything else in mobilevk hangs off it.
// There is no global state: two contexts are fully independent.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mobilevk {

class Gpu;  // internal: the live Vulkan objects

enum class Validation {
  Auto,  // on in debug builds, if the layer is installed; off in release builds
  On,    // on; creating the context fails if VK_LAYER_KHRONOS_validation is not installed
  Off,
};

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };
// Receives every message mobilevk has for its user (a stale pipeline cache, validation-layer
// reports, ...); the library itself never writes to stdout or stderr and reads no environment
// variable. May be called from the driver's threads.
using LogCallback = std::function<void(LogLevel level, const std::string& message)>;

struct ContextOptions {
  // Which physical device: "" the best one (discrete > integrated > virtual > CPU). A number picks
  // by index in listDevices(); any other text picks the first device whose name contains it
  // (case-insensitive).
  std::string device;
  Validation validation = Validation::Auto;
  // With validation on: the layer's synchronization validation too (hazards between dispatches,
  // copies and host access).
  bool synchronizationValidation = false;
  // Messages for the user; null drops them.
  LogCallback log;
  // Upload and download through a staging buffer even where device memory is host-visible
  // (exercises the path a discrete GPU takes, on lavapipe too).
  bool forceStaging = false;
  // A pipeline cache blob from an earlier Context::pipelineCacheData() (the library does no file I/O
  // for it). Used when it matches this device and driver (vendor, device id, pipelineCacheUUID);
  // anything else (stale, foreign, garbage) is ignored with a warning to the log, never an error.
  std::vector<uint8_t> pipelineCache;
  // Called (from the driver's thread) with every validation error or warning, in addition to the
  // list validationMessages() returns; also during the context's own teardown.
  std::function<void(const std::string&)> validationCallback;
  // Runs as if on a smaller (mobile) GPU: a built-in device profile's name (deviceProfileNames())
  // or the path of a profile JSON file (README, "Mobile"). mobilevk then believes only what both
  // the profile and the device have: every limit is the smaller of the two, every feature needs
  // both, the subgroup size and device type are the profile's, and every planning decision (kernel
  // variants, tiles, precision, buffer ranges, timing) reads these values. Where the profile claims more than the device has, the device
  // wins and the log says so. An unknown name or a malformed file is an InvalidArgument error.
  // "" uses the device as it is.
  std::string deviceProfile;
};

// The names of the built-in device profiles (data files compiled into the library).
std::vector<std::string> deviceProfileNames();

// A Vulkan device owned by the host application (a game or AR engine). mobilevk creates no
// instance or device then, never destroys these handles, and submits to `queue` only inside its
// own blocking calls (Network::run, Context::runAndWait-style helpers): the host must not use that
// queue from another thread at the same time. What the device must have:
//   * Vulkan 1.1 or newer, and `queueFamilyIndex` must support compute;
//   * nothing else for fp32. For Precision::FP16 the host must have enabled
//     storageBuffer16BitAccess (VkPhysicalDevice16BitStorageFeatures) and say so below; without it
//     fp16 is refused with a message, and fp32 works.
// The host keeps every handle alive until the Context and every Network made on it are destroyed
// (in either order), and must have waited for all command buffers into which it recorded mobilevk
// work before destroying mobilevk objects.
struct ExternalVulkan {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  uint32_t queueFamilyIndex = 0;
  VkQueue queue = VK_NULL_HANDLE;
  bool storageBuffer16BitAccessEnabled = false;
  // The host enabled VK_KHR_shader_integer_dot_product and its shaderIntegerDotProduct feature (or
  // the Vulkan 1.3 feature): integer execution may then use packed 8-bit dot products.
  bool shaderIntegerDotProductEnabled = false;
  // How mobilevk finds every Vulkan function: the host's vkGetInstanceProcAddr (from volk, its own
  // loader or a layer of its own); null means the Vulkan loader's. mobilevk makes no Vulkan call
  // that does not go through it (instance-level functions through it, device-level ones through
  // the vkGetDeviceProcAddr it returns).
  PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
};

struct DeviceCapabilities {
  uint32_t apiVersion = 0;  // VK_MAKE_API_VERSION encoded
  std::string apiVersionString;
  std::string driverName, driverInfo;
  uint32_t vendorId = 0, deviceId = 0;
  uint32_t driverVersion = 0;  // vendor-encoded, as VkPhysicalDeviceProperties gives it
  std::string deviceUuid;      // VkPhysicalDeviceIDProperties::deviceUUID, 32 hex digits (Vulkan 1.1)
  uint32_t subgroupSize = 0;
  // The device's own subgroup size, which a device profile does not replace (driver quirks that
  // depend on the real hardware read it; planning reads subgroupSize).
  uint32_t hardwareSubgroupSize = 0;
  std::vector<std::string> subgroupOperations;  // "basic", "arithmetic", "shuffle", ...
  bool subgroupInCompute = false;
  bool storage16bit = false, storage8bit = false;
  bool float16Arithmetic = false, int8Arithmetic = false;
  // VK_KHR_shader_integer_dot_product (core in 1.3): the shaderIntegerDotProduct feature (integer
  // execution then uses packed 8-bit dot products by default), and whether the driver reports 4x8-bit
  // packed dot products, signed and unsigned, as accelerated (done by hardware instructions).
  bool integerDotProduct = false, integerDotProductAccelerated = false;
  uint32_t maxWorkgroupSize[3] = {0, 0, 0};
  uint32_t maxWorkgroupInvocations = 0;
  uint32_t maxWorkgroupCount[3] = {0, 0, 0};
  uint32_t maxSharedMemoryBytes = 0;
  uint32_t maxImageDimension2D = 0;  // widest or tallest image runPixels accepts
  uint32_t maxPushConstantBytes = 0;
  uint64_t maxStorageBufferRange = 0;
  uint64_t maxMemoryAllocationSize = 0;
  uint64_t minStorageBufferOffsetAlignment = 0;
  uint32_t maxTexelBufferElements = 0;  // largest texel buffer view, in texels
  uint32_t maxBoundDescriptorSets = 0;
  uint32_t maxPerStageStorageBuffers = 0;  // storage buffers one shader may bind
  uint32_t maxPerStageSampledImages = 0;   // sampled images and uniform texel buffers one shader may bind
  std::string profile;  // the device profile these values are clamped to ("" none)
  bool timestamps = false;          // compute queue can write timestamps
  uint32_t timestampValidBits = 0;
  float timestampPeriodNs = 0.0f;  // nanoseconds per timestamp tick
  uint64_t deviceLocalBytes = 0;    // size of the largest device-local heap
};

struct DeviceInfo {
  uint32_t index = 0;
  std::string name;
  std::string type;  // "discrete", "integrated", "virtual", "cpu", "other"
  bool hasComputeQueue = false;
  DeviceCapabilities caps;
};

// Every physical device the Vulkan loader sees, in the loader's order.
std::vector<DeviceInfo> listDevices();

class Context {
 public:
  explicit Context(const ContextOptions& options = {});
  // Runs on the host's own device (see ExternalVulkan). options.device and validation are ignored:
  // the host's instance decides about layers.
  explicit Context(const ExternalVulkan& external, const ContextOptions& options = {});
  // Networks made on this context keep its device alive: a Network may be destroyed after its
  // Context (the device goes when the last of them does), though nothing new can be made on it then.
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const DeviceInfo& device() const;
  bool validationEnabled() const;
  // Every error and warning the validation layer reported since creation (or the last clear).
  std::vector<std::string> validationMessages() const;
  void clearValidationMessages();
  // The current pipeline cache (every pipeline built so far), to store and pass back as
  // ContextOptions::pipelineCache next time.
  std::vector<uint8_t> pipelineCacheData() const;
  // True once the device reported VK_ERROR_DEVICE_LOST: every later GPU call fails with a message
  // saying so; make a new Context.
  bool deviceLost() const;
  // True when ContextOptions::pipelineCache was accepted at creation.
  bool pipelineCacheLoaded() const;

 private:
  friend struct InternalAccess;  // mobilevk's own code: engine/src/internal_access.h
  // Shared with every Network made on this context, so that the device outlives the last of them
  // whatever order they are destroyed in.
  std::shared_ptr<Gpu> gpu_;
};

}  // namespace mobilevk
