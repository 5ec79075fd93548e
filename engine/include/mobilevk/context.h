#pragma once
// The context owns one Vulkan instance and device; everything else in mobilevk hangs off it.
// There is no global state: two contexts are fully independent.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mobilevk {

class Gpu;  // internal: the live Vulkan objects

enum class Validation {
  Auto,  // on in debug builds or when MOBILEVK_VALIDATION=1, if the layer is installed
  On,    // on; creating the context fails if VK_LAYER_KHRONOS_validation is not installed
  Off,
};

struct ContextOptions {
  // Which physical device: "" uses $MOBILEVK_DEVICE, or else the best one (discrete > integrated >
  // virtual > CPU). A number picks by index in listDevices(); any other text picks the first device
  // whose name contains it (case-insensitive).
  std::string device;
  Validation validation = Validation::Auto;
  // Upload and download through a staging buffer even where device memory is host-visible
  // (exercises the path a discrete GPU takes, on lavapipe too).
  bool forceStaging = false;
};

struct DeviceCapabilities {
  uint32_t apiVersion = 0;  // VK_MAKE_API_VERSION encoded
  std::string apiVersionString;
  std::string driverName, driverInfo;
  uint32_t vendorId = 0, deviceId = 0;
  uint32_t subgroupSize = 0;
  std::vector<std::string> subgroupOperations;  // "basic", "arithmetic", "shuffle", ...
  bool subgroupInCompute = false;
  bool storage16bit = false, storage8bit = false;
  bool float16Arithmetic = false, int8Arithmetic = false;
  uint32_t maxWorkgroupSize[3] = {0, 0, 0};
  uint32_t maxWorkgroupInvocations = 0;
  uint32_t maxWorkgroupCount[3] = {0, 0, 0};
  uint32_t maxSharedMemoryBytes = 0;
  uint32_t maxPushConstantBytes = 0;
  uint64_t maxStorageBufferRange = 0;
  uint64_t maxMemoryAllocationSize = 0;
  uint64_t minStorageBufferOffsetAlignment = 0;
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
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const DeviceInfo& device() const;
  bool validationEnabled() const;
  // Every error and warning the validation layer reported since creation (or the last clear).
  std::vector<std::string> validationMessages() const;
  void clearValidationMessages();

  Gpu& gpu() { return *gpu_; }  // for mobilevk's own code

 private:
  std::unique_ptr<Gpu> gpu_;
};

}  // namespace mobilevk
