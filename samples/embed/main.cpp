// A tiny "host engine" that owns its Vulkan instance, device and queue, fills a VkImage with a photo
// (as a renderer would upload a texture or a camera frame), and records one frame's command buffer
// holding its own work plus mobilevk's inference, then prints the top-5. It uses only mobilevk's
// public API.
//
//   mobilevk-embed MODEL IMAGE [LABELS]
//
// With MOBILEVK_SAMPLE_VALIDATION=1 the host enables the Khronos validation layer with
// synchronization validation, and exits non-zero if it reported anything.
#include "../common/stdout_status.h"
#include <mobilevk/context.h>
#include <mobilevk/image.h>
#include <mobilevk/labels.h>
#include <mobilevk/model.h>
#include <mobilevk/network.h>
#include <vulkan/vulkan.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int gValidationMessages = 0;

void check(VkResult r, const char* what) {
  if (r != VK_SUCCESS) throw std::runtime_error(std::string(what) + " failed: VkResult " + std::to_string(int(r)));
}

VKAPI_ATTR VkBool32 VKAPI_CALL onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
                                         const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
  ++gValidationMessages;
  std::fprintf(stderr, "[host validation] %s\n", data->pMessage);
  return VK_FALSE;
}

struct Host {
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  uint32_t family = 0;
  VkQueue queue = VK_NULL_HANDLE;

  uint32_t memoryType(uint32_t bits, VkMemoryPropertyFlags want) const {
    VkPhysicalDeviceMemoryProperties p;
    vkGetPhysicalDeviceMemoryProperties(physical, &p);
    for (uint32_t i = 0; i < p.memoryTypeCount; ++i)
      if ((bits & (1u << i)) && (p.memoryTypes[i].propertyFlags & want) == want) return i;
    throw std::runtime_error("no suitable memory type");
  }
};

Host createHost(bool validation) {
  Host h;
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "mobilevk-embed-sample";
  app.apiVersion = VK_API_VERSION_1_1;
  const char* layer = "VK_LAYER_KHRONOS_validation";
  // Debug messages, and the layer's feature switches (needed for synchronization validation).
  const char* exts[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME};
  VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  if (validation) {
    ci.pNext = &features;
    ci.enabledLayerCount = 1;
    ci.ppEnabledLayerNames = &layer;
    ci.enabledExtensionCount = 2;
    ci.ppEnabledExtensionNames = exts;
  }
  check(vkCreateInstance(&ci, nullptr, &h.instance), "vkCreateInstance");
  if (validation) {
    VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
    mi.pfnUserCallback = onMessage;
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(h.instance, "vkCreateDebugUtilsMessengerEXT"));
    check(create(h.instance, &mi, nullptr, &h.messenger), "vkCreateDebugUtilsMessengerEXT");
  }
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(h.instance, &n, nullptr);
  if (n == 0) throw std::runtime_error("no Vulkan device (install mesa-vulkan-drivers for lavapipe)");
  std::vector<VkPhysicalDevice> devs(n);
  vkEnumeratePhysicalDevices(h.instance, &n, devs.data());
  h.physical = devs[0];
  uint32_t nf = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(h.physical, &nf, nullptr);
  std::vector<VkQueueFamilyProperties> fams(nf);
  vkGetPhysicalDeviceQueueFamilyProperties(h.physical, &nf, fams.data());
  h.family = UINT32_MAX;
  for (uint32_t i = 0; i < nf && h.family == UINT32_MAX; ++i)
    if (fams[i].queueFlags & VK_QUEUE_COMPUTE_BIT) h.family = i;
  if (h.family == UINT32_MAX) throw std::runtime_error("no compute queue");
  const float prio = 1.0f;
  VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qi.queueFamilyIndex = h.family;
  qi.queueCount = 1;
  qi.pQueuePriorities = &prio;
  VkDeviceCreateInfo di{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  di.queueCreateInfoCount = 1;
  di.pQueueCreateInfos = &qi;
  check(vkCreateDevice(h.physical, &di, nullptr, &h.device), "vkCreateDevice");
  vkGetDeviceQueue(h.device, h.family, 0, &h.queue);
  return h;
}

void printTop5(const char* title, const std::vector<float>& p, const std::vector<std::string>& labels) {
  const std::vector<int> order = mobilevk::topK(p, 5);
  std::printf("%s\n", title);
  for (int k = 0; k < 5; ++k)
    std::printf("  %8.5f  %4d  %s\n", p[order[k]], order[k], order[k] < int(labels.size()) ? labels[order[k]].c_str() : "");
}

int run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL IMAGE [LABELS]\n", argv[0]);
    return 2;
  }
  const bool validation = std::getenv("MOBILEVK_SAMPLE_VALIDATION") && std::string(std::getenv("MOBILEVK_SAMPLE_VALIDATION")) == "1";
  Host h = createHost(validation);

  // The photo as RGBA8 pixels, uploaded into the host's own VkImage like any texture.
  const mobilevk::Image photo = mobilevk::loadImage(argv[2]);
  const uint32_t w = uint32_t(photo.width), hgt = uint32_t(photo.height);
  std::vector<uint8_t> rgba(size_t(w) * hgt * 4, 255);
  for (size_t i = 0; i < size_t(w) * hgt; ++i) std::memcpy(&rgba[i * 4], &photo.rgb[i * 3], 3);

  VkImageCreateInfo ii{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  ii.imageType = VK_IMAGE_TYPE_2D;
  ii.format = VK_FORMAT_R8G8B8A8_UNORM;
  ii.extent = {w, hgt, 1};
  ii.mipLevels = ii.arrayLayers = 1;
  ii.samples = VK_SAMPLE_COUNT_1_BIT;
  ii.tiling = VK_IMAGE_TILING_OPTIMAL;
  ii.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  VkImage image;
  check(vkCreateImage(h.device, &ii, nullptr, &image), "vkCreateImage");
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(h.device, image, &req);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = h.memoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  VkDeviceMemory imageMemory;
  check(vkAllocateMemory(h.device, &ai, nullptr, &imageMemory), "vkAllocateMemory (image)");
  check(vkBindImageMemory(h.device, image, imageMemory, 0), "vkBindImageMemory");
  VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  vi.image = image;
  vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
  vi.format = ii.format;
  vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  VkImageView view;
  check(vkCreateImageView(h.device, &vi, nullptr, &view), "vkCreateImageView");

  VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bi.size = rgba.size();
  bi.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  VkBuffer staging;
  check(vkCreateBuffer(h.device, &bi, nullptr, &staging), "vkCreateBuffer");
  vkGetBufferMemoryRequirements(h.device, staging, &req);
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = h.memoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  VkDeviceMemory stagingMemory;
  check(vkAllocateMemory(h.device, &ai, nullptr, &stagingMemory), "vkAllocateMemory (staging)");
  check(vkBindBufferMemory(h.device, staging, stagingMemory, 0), "vkBindBufferMemory");
  void* mapped;
  check(vkMapMemory(h.device, stagingMemory, 0, VK_WHOLE_SIZE, 0, &mapped), "vkMapMemory");
  std::memcpy(mapped, rgba.data(), rgba.size());

  int status = 0;
  {
    // mobilevk on the host's device: it creates no instance or device of its own.
    mobilevk::ExternalVulkan ext;
    ext.instance = h.instance;
    ext.physicalDevice = h.physical;
    ext.device = h.device;
    ext.queueFamilyIndex = h.family;
    ext.queue = h.queue;
    // mobilevk resolves every Vulkan function through the host's vkGetInstanceProcAddr (an engine
    // that loads Vulkan through volk or a loader of its own passes that one).
    ext.getInstanceProcAddr = vkGetInstanceProcAddr;
    // mobilevk prints nothing and reads no environment: its messages come to the host's log.
    mobilevk::ContextOptions contextOptions;
    contextOptions.log = [](mobilevk::LogLevel level, const std::string& message) {
      if (level >= mobilevk::LogLevel::Warning) std::fprintf(stderr, "host log (mobilevk): %s\n", message.c_str());
    };
    mobilevk::Context ctx(ext, contextOptions);
    // An engine that packs its assets hands mobilevk the bytes (Model::fromTflite); a Keras
    // directory is read from disk.
    const std::string modelPath = argv[1];
    mobilevk::Model model = mobilevk::Model::load(modelPath);
    // Two frames in flight: frame i uses slot i % 2, and waits only for the frame that last used
    // that slot, as a renderer double-buffers.
    mobilevk::NetworkOptions options;
    options.framesInFlight = 2;
    mobilevk::Network net(ctx, model, options);

    VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pi.queueFamilyIndex = h.family;
    VkCommandPool pool;
    check(vkCreateCommandPool(h.device, &pi, nullptr, &pool), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo cai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    cai.commandPool = pool;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 2;
    VkCommandBuffer cmds[2];
    check(vkAllocateCommandBuffers(h.device, &cai, cmds), "vkAllocateCommandBuffers");
    VkFence fences[2];
    bool pending[2] = {false, false};
    for (VkFence& f : fences) {
      VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      check(vkCreateFence(h.device, &fi, nullptr, &f), "vkCreateFence");
    }
    mobilevk::ImageSource src;
    src.view = view;
    src.width = w;
    src.height = hgt;
    src.format = VK_FORMAT_R8G8B8A8_UNORM;

    const int kFrames = 6;
    std::vector<double> recordUs;
    std::vector<float> frame;
    for (int i = 0; i < kFrames; ++i) {
      const int slot = i % 2;
      if (pending[slot]) {  // the frame that used this slot two frames ago
        check(vkWaitForFences(h.device, 1, &fences[slot], VK_TRUE, UINT64_MAX), "vkWaitForFences");
        check(vkResetFences(h.device, 1, &fences[slot]), "vkResetFences");
        const std::vector<float> out = net.readOutput(slot).data;
        if (!frame.empty() && out != frame) status = 1;  // every frame classifies the same photo
        frame = out;
      }
      VkCommandBuffer cmd = cmds[slot];
      VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
      check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");
      // The host's own work: upload the photo into its image, like a texture or camera frame.
      VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
      b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      b.image = image;
      b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
      b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;  // the previous frame's reads of the image
      b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                           nullptr, 1, &b);
      VkBufferImageCopy region{};
      region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      region.imageExtent = {w, hgt, 1};
      vkCmdCopyBufferToImage(cmd, staging, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
      // Contract, before: the image's writes visible to compute-shader reads, in the given layout.
      b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
      b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0, nullptr, 0,
                           nullptr, 1, &b);

      const auto t0 = std::chrono::steady_clock::now();
      net.recordImageInput(cmd, src, 0, slot);
      net.record(cmd, slot);
      recordUs.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());

      // Contract, after: the output was written by compute shaders; make it visible to the host.
      VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
      mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
      mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                           0, 1, &mb, 0, nullptr, 0, nullptr);
      check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
      VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
      si.commandBufferCount = 1;
      si.pCommandBuffers = &cmd;
      check(vkQueueSubmit(h.queue, 1, &si, fences[slot]), "vkQueueSubmit");
      pending[slot] = true;
    }
    for (int slot = 0; slot < 2; ++slot) {
      check(vkWaitForFences(h.device, 1, &fences[slot], VK_TRUE, UINT64_MAX), "vkWaitForFences");
      const std::vector<float> out = net.readOutput(slot).data;
      if (out != frame) status = 1;
    }
    std::sort(recordUs.begin(), recordUs.end());
    std::printf("%d frames, 2 in flight; CPU time to record mobilevk into a frame: median %.0f us (first %.0f us)\n",
                kFrames, recordUs[recordUs.size() / 2], recordUs.back());

    // Without a label file named, look for one the way the mobilevk CLI does (labels/*_<classes>.txt
    // beside the model or up to three directories above it).
    const std::string labelFile = argc > 3 ? argv[3] : mobilevk::findLabelFile(argv[1], model.outputShape().elements());
    const std::vector<std::string> labels = labelFile.empty() ? std::vector<std::string>() : mobilevk::readLabels(labelFile);
    if (labelFile.empty()) std::printf("no label file found for %s (give one as LABELS)\n", argv[1]);
    printTop5("frame (VkImage input, recorded in the host's command buffer):", frame, labels);
    if (status) std::printf("frames in flight disagreed\n");

    // The same photo through the host-pixel convenience path, for comparison.
    const std::vector<float> pixels = net.runPixels(rgba.data(), w, hgt).data;
    printTop5("host RGBA8 pixels (runPixels):", pixels, labels);
    double maxDiff = 0;
    for (size_t i = 0; i < frame.size(); ++i) maxDiff = std::max(maxDiff, std::fabs(double(frame[i]) - pixels[i]));
    std::printf("max |frame - pixels| = %.3g\n", maxDiff);
    if (maxDiff > 1e-5) status = 1;

    for (VkFence f : fences) vkDestroyFence(h.device, f, nullptr);
    vkDestroyCommandPool(h.device, pool, nullptr);
    net.forgetImageView(view);
  }
  // mobilevk is gone; the host's device carries on: a buffer filled and read back.
  {
    VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    ci.size = 256;
    ci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBuffer buf;
    check(vkCreateBuffer(h.device, &ci, nullptr, &buf), "vkCreateBuffer (after mobilevk)");
    VkMemoryRequirements r;
    vkGetBufferMemoryRequirements(h.device, buf, &r);
    VkMemoryAllocateInfo mi{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mi.allocationSize = r.size;
    mi.memoryTypeIndex = h.memoryType(r.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    VkDeviceMemory mem;
    check(vkAllocateMemory(h.device, &mi, nullptr, &mem), "vkAllocateMemory (after mobilevk)");
    check(vkBindBufferMemory(h.device, buf, mem, 0), "vkBindBufferMemory (after mobilevk)");
    VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pi.queueFamilyIndex = h.family;
    VkCommandPool pool;
    check(vkCreateCommandPool(h.device, &pi, nullptr, &pool), "vkCreateCommandPool (after mobilevk)");
    VkCommandBufferAllocateInfo cai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    cai.commandPool = pool;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 1;
    VkCommandBuffer cmd;
    check(vkAllocateCommandBuffers(h.device, &cai, &cmd), "vkAllocateCommandBuffers (after mobilevk)");
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer (after mobilevk)");
    vkCmdFillBuffer(cmd, buf, 0, VK_WHOLE_SIZE, 0xC0FFEE42u);
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
    check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer (after mobilevk)");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    check(vkQueueSubmit(h.queue, 1, &si, VK_NULL_HANDLE), "vkQueueSubmit (after mobilevk)");
    check(vkQueueWaitIdle(h.queue), "vkQueueWaitIdle (after mobilevk)");
    uint32_t* words;
    check(vkMapMemory(h.device, mem, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&words)), "vkMapMemory (after mobilevk)");
    const bool ok = words[0] == 0xC0FFEE42u && words[63] == 0xC0FFEE42u;
    vkUnmapMemory(h.device, mem);
    std::printf("host device after mobilevk was destroyed: %s\n", ok ? "usable" : "BROKEN");
    if (!ok) status = 1;
    vkDestroyCommandPool(h.device, pool, nullptr);
    vkDestroyBuffer(h.device, buf, nullptr);
    vkFreeMemory(h.device, mem, nullptr);
  }
  vkDestroyImageView(h.device, view, nullptr);
  vkDestroyImage(h.device, image, nullptr);
  vkFreeMemory(h.device, imageMemory, nullptr);
  vkDestroyBuffer(h.device, staging, nullptr);
  vkFreeMemory(h.device, stagingMemory, nullptr);
  vkDestroyDevice(h.device, nullptr);
  if (h.messenger) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(h.instance, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(h.instance, h.messenger, nullptr);
  }
  vkDestroyInstance(h.instance, nullptr);
  if (validation) std::printf("validation messages: %d\n", gValidationMessages);
  return gValidationMessages ? 1 : status;
}

}  // namespace

int main(int argc, char** argv) {
  samples::restoreSigpipe();
  try {
    return samples::stdoutStatus(run(argc, argv), "mobilevk-embed");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mobilevk-embed: error: %s\n", e.what());
    return 1;
  }
}
