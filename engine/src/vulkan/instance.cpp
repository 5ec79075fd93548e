// The Vulkan instance, the validation layer and its debug messenger, and the log.
#include "vulkan/gpu.h"

#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/device_facts.h"

namespace mobilevk {

const char* const kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool hasInstanceLayer(const VulkanFunctions& vk, const char* name) {
  uint32_t n = 0;
  vk.EnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vk.EnumerateInstanceLayerProperties(&n, layers.data());
  for (const auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}

bool hasInstanceExtension(const VulkanFunctions& vk, const char* name) {
  uint32_t n = 0;
  vk.EnumerateInstanceExtensionProperties(nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vk.EnumerateInstanceExtensionProperties(nullptr, &n, exts.data());
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

VkInstance createBareInstance(const VulkanFunctions& vk, bool validation, bool debugUtils, bool synchronizationValidation) {
  const bool syncValidation = validation && synchronizationValidation;
  VkValidationFeatureEnableEXT syncFeature = VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = &syncFeature;
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (vk.EnumerateInstanceVersion(&loaderVersion) != VK_SUCCESS) loaderVersion = VK_API_VERSION_1_0;
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
  if (hasInstanceExtension(vk, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
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
  vkCheck(vk.CreateInstance(&ci, nullptr, &instance), "vkCreateInstance (Vulkan 1.1)");
  return instance;
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
  if (want && !hasInstanceLayer(vk_, kValidationLayer)) {
    if (options.validation == Validation::On)
      throw Error(ErrorCode::Unsupported, std::string("validation was requested but ") + kValidationLayer +
                  " is not installed (on Debian: apt-get install vulkan-validationlayers)");
    want = false;
  }
  const bool debugUtils = want && hasInstanceExtension(vk_, VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  if (want && !debugUtils && options.validation == Validation::On)
    throw Error(ErrorCode::Unsupported, "validation was requested but VK_EXT_debug_utils is missing, so its messages could not be captured");
  instance_ = createBareInstance(vk_, want, debugUtils, options.synchronizationValidation);
  vk_.loadInstance(instance_);
  validation_ = want;
  if (debugUtils) {
    VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mi.pfnUserCallback = &Gpu::debugCallback;
    mi.pUserData = this;
    if (!vk_.CreateDebugUtilsMessengerEXT || !vk_.DestroyDebugUtilsMessengerEXT) throw Error("vkCreateDebugUtilsMessengerEXT or its destroy twin is not exported although VK_EXT_debug_utils is enabled");
    vkCheck(vk_.CreateDebugUtilsMessengerEXT(instance_, &mi, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
  }
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

void Gpu::log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

}  // namespace mobilevk
