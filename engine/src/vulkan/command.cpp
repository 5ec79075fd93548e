#include "vulkan/command.h"

#include <string>

#include "vulkan/check.h"
#include "vulkan/gpu.h"

namespace mobilevk {

Fence::Fence(Gpu& gpu, bool signaled) : gpu_(&gpu), vk_(&gpu.vk()), device_(gpu.device()) {
  VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (signaled) fi.flags = VK_FENCE_CREATE_SIGNALED_BIT;
  vkCheck(vk_->CreateFence(device_, &fi, nullptr, &fence_), "vkCreateFence");
}

Fence::~Fence() {
  if (fence_) vk_->DestroyFence(device_, fence_, nullptr);
}

void Fence::wait(const char* what, uint64_t timeoutNs) {
  VkResult r = vk_->WaitForFences(device_, 1, &fence_, VK_TRUE, timeoutNs);
  if (r == VK_ERROR_DEVICE_LOST && gpu_) gpu_->markLost();
  if (r == VK_TIMEOUT)
    vkCheck(r, std::string("waiting for ") + what + " (gave up after " + std::to_string(timeoutNs / 1000000000ull) + " s)");
  vkCheck(r, std::string("vkWaitForFences for ") + what);
}

void Fence::reset() { vkCheck(vk_->ResetFences(device_, 1, &fence_), "vkResetFences"); }

CommandBuffer::CommandBuffer(Gpu& gpu) : gpu_(gpu) { cmd_ = gpu.allocateCommandBuffer(); }

CommandBuffer::CommandBuffer(Gpu& gpu, OwnPool) : gpu_(gpu) {
  VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pi.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pi.queueFamilyIndex = gpu.queueFamily();
  vkCheck(gpu.vk().CreateCommandPool(gpu.device(), &pi, nullptr, &ownPool_), "vkCreateCommandPool (transient)");
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = ownPool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  const VkResult r = gpu.vk().AllocateCommandBuffers(gpu.device(), &ai, &cmd_);
  if (r != VK_SUCCESS) {
    gpu.vk().DestroyCommandPool(gpu.device(), ownPool_, nullptr);
    vkCheck(r, "vkAllocateCommandBuffers (transient)");
  }
}

CommandBuffer::~CommandBuffer() {
  if (ownPool_) gpu_.vk().DestroyCommandPool(gpu_.device(), ownPool_, nullptr);  // frees cmd_ with it
  else if (cmd_) gpu_.freeCommandBuffer(cmd_);
}

void CommandBuffer::begin(bool oneTime) {
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = oneTime ? VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT : 0;
  vkCheck(gpu_.vk().BeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
}

void CommandBuffer::end() { vkCheck(gpu_.vk().EndCommandBuffer(cmd_), "vkEndCommandBuffer"); }

namespace {
void memoryBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd, VkPipelineStageFlags src, VkAccessFlags srcAccess, VkPipelineStageFlags dst,
                   VkAccessFlags dstAccess) {
  VkMemoryBarrier b{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  b.srcAccessMask = srcAccess;
  b.dstAccessMask = dstAccess;
  vk.CmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, nullptr, 0, nullptr);
}
}  // namespace

void computeToComputeBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd) {
  memoryBarrier(vk, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT,
                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void transferToComputeBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd) {
  memoryBarrier(vk, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void computeToTransferBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd) {
  memoryBarrier(vk, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_ACCESS_TRANSFER_READ_BIT);
}

void anyToHostBarrier(const VulkanFunctions& vk, VkCommandBuffer cmd) {
  memoryBarrier(vk, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                VK_ACCESS_HOST_READ_BIT);
}

}  // namespace mobilevk
