// Loading the dispatch table (see functions.h).
#include "vulkan/functions.h"

#include <string>

#include "mobilevk/error.h"

// The loader's entry point: the only Vulkan symbol the library links against (VK_NO_PROTOTYPES
// hides the prototype, so it is declared here, as vulkan_core.h declares it).
extern "C" VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance, const char* pName);

namespace mobilevk {

namespace {

template <class Pfn>
void require(Pfn& slot, PFN_vkVoidFunction fn, const char* name, const char* level) {
  if (!fn)
    throw Error(ErrorCode::Unsupported, std::string("the Vulkan ") + level + " does not provide " + name +
                " (mobilevk needs Vulkan 1.1)");
  slot = reinterpret_cast<Pfn>(fn);
}

}  // namespace

VulkanFunctions VulkanFunctions::load(PFN_vkGetInstanceProcAddr getInstanceProcAddr) {
  VulkanFunctions f;
  f.GetInstanceProcAddr = getInstanceProcAddr ? getInstanceProcAddr : &::vkGetInstanceProcAddr;
#define MVK_VK_LOAD(name) require(f.name, f.GetInstanceProcAddr(VK_NULL_HANDLE, "vk" #name), "vk" #name, "loader");
  MVK_VK_GLOBAL_FUNCTIONS(MVK_VK_LOAD)
#undef MVK_VK_LOAD
  return f;
}

void VulkanFunctions::loadInstance(VkInstance instance) {
#define MVK_VK_LOAD(name) require(name, GetInstanceProcAddr(instance, "vk" #name), "vk" #name, "instance");
  MVK_VK_INSTANCE_FUNCTIONS(MVK_VK_LOAD)
#undef MVK_VK_LOAD
#define MVK_VK_LOAD_OPTIONAL(name) name = reinterpret_cast<PFN_vk##name>(GetInstanceProcAddr(instance, "vk" #name));
  MVK_VK_OPTIONAL_INSTANCE_FUNCTIONS(MVK_VK_LOAD_OPTIONAL)
#undef MVK_VK_LOAD_OPTIONAL
}

void VulkanFunctions::loadDevice(VkDevice device) {
#define MVK_VK_LOAD(name) require(name, GetDeviceProcAddr(device, "vk" #name), "vk" #name, "device");
  MVK_VK_DEVICE_FUNCTIONS(MVK_VK_LOAD)
#undef MVK_VK_LOAD
}

}  // namespace mobilevk
