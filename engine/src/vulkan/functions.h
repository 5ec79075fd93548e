#pragma once
// Every Vulkan entry point mobilevk calls, loaded per context through a vkGetInstanceProcAddr (the
// loader's, or the host engine's when it loads Vulkan itself, e.g. through volk). The library is
// compiled with VK_NO_PROTOTYPES, so a direct call to a Vulkan function does not compile; the one
// symbol it takes from the loader is vkGetInstanceProcAddr itself, and only when the host gives none.
#include <vulkan/vulkan.h>

namespace mobilevk {

// Resolved with a null instance.
#define MVK_VK_GLOBAL_FUNCTIONS(X)       \
  X(CreateInstance)                      \
  X(EnumerateInstanceVersion)            \
  X(EnumerateInstanceLayerProperties)    \
  X(EnumerateInstanceExtensionProperties)

#define MVK_VK_INSTANCE_FUNCTIONS(X)       \
  X(DestroyInstance)                       \
  X(EnumeratePhysicalDevices)              \
  X(EnumerateDeviceExtensionProperties)    \
  X(GetPhysicalDeviceProperties)           \
  X(GetPhysicalDeviceProperties2)          \
  X(GetPhysicalDeviceFeatures2)            \
  X(GetPhysicalDeviceQueueFamilyProperties) \
  X(GetPhysicalDeviceMemoryProperties)     \
  X(GetPhysicalDeviceFormatProperties)     \
  X(CreateDevice)                          \
  X(GetDeviceProcAddr)

// Present only where VK_EXT_debug_utils is enabled (null otherwise).
#define MVK_VK_OPTIONAL_INSTANCE_FUNCTIONS(X) \
  X(CreateDebugUtilsMessengerEXT)            \
  X(DestroyDebugUtilsMessengerEXT)

// Resolved with vkGetDeviceProcAddr (no loader trampoline per call).
#define MVK_VK_DEVICE_FUNCTIONS(X) \
  X(DestroyDevice)                 \
  X(DeviceWaitIdle)                \
  X(GetDeviceQueue)                \
  X(QueueSubmit)                   \
  X(CreateFence)                   \
  X(DestroyFence)                  \
  X(WaitForFences)                 \
  X(ResetFences)                   \
  X(CreateCommandPool)             \
  X(DestroyCommandPool)            \
  X(AllocateCommandBuffers)        \
  X(FreeCommandBuffers)            \
  X(BeginCommandBuffer)            \
  X(EndCommandBuffer)              \
  X(AllocateMemory)                \
  X(FreeMemory)                    \
  X(MapMemory)                     \
  X(UnmapMemory)                   \
  X(CreateBuffer)                  \
  X(DestroyBuffer)                 \
  X(GetBufferMemoryRequirements)   \
  X(BindBufferMemory)              \
  X(CreateBufferView)              \
  X(DestroyBufferView)             \
  X(CreateImage)                   \
  X(DestroyImage)                  \
  X(GetImageMemoryRequirements)    \
  X(BindImageMemory)               \
  X(CreateImageView)               \
  X(DestroyImageView)              \
  X(CreateSampler)                 \
  X(DestroySampler)                \
  X(CreateShaderModule)            \
  X(DestroyShaderModule)           \
  X(CreatePipelineCache)           \
  X(DestroyPipelineCache)          \
  X(GetPipelineCacheData)          \
  X(CreateDescriptorSetLayout)     \
  X(DestroyDescriptorSetLayout)    \
  X(CreatePipelineLayout)          \
  X(DestroyPipelineLayout)         \
  X(CreateComputePipelines)        \
  X(DestroyPipeline)               \
  X(CreateDescriptorPool)          \
  X(DestroyDescriptorPool)         \
  X(AllocateDescriptorSets)        \
  X(UpdateDescriptorSets)          \
  X(CreateQueryPool)               \
  X(DestroyQueryPool)              \
  X(GetQueryPoolResults)           \
  X(CmdBindPipeline)               \
  X(CmdBindDescriptorSets)         \
  X(CmdPushConstants)              \
  X(CmdDispatch)                   \
  X(CmdPipelineBarrier)            \
  X(CmdCopyBuffer)                 \
  X(CmdCopyBufferToImage)          \
  X(CmdResetQueryPool)             \
  X(CmdWriteTimestamp)

// A context's dispatch table: vk.CreateBuffer(...) calls what vkCreateBuffer would.
struct VulkanFunctions {
  PFN_vkGetInstanceProcAddr GetInstanceProcAddr = nullptr;
#define MVK_VK_MEMBER(name) PFN_vk##name name = nullptr;
  MVK_VK_GLOBAL_FUNCTIONS(MVK_VK_MEMBER)
  MVK_VK_INSTANCE_FUNCTIONS(MVK_VK_MEMBER)
  MVK_VK_OPTIONAL_INSTANCE_FUNCTIONS(MVK_VK_MEMBER)
  MVK_VK_DEVICE_FUNCTIONS(MVK_VK_MEMBER)
#undef MVK_VK_MEMBER

  // The global functions through `getInstanceProcAddr`; null means the Vulkan loader's own.
  // Throws mobilevk::Error (Unsupported) naming a function the loader does not provide.
  static VulkanFunctions load(PFN_vkGetInstanceProcAddr getInstanceProcAddr);
  void loadInstance(VkInstance instance);
  void loadDevice(VkDevice device);
};

}  // namespace mobilevk
