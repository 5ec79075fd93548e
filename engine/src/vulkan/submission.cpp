// The compute queue: submissions (serialized, device loss remembered, and the test-only fault
// injection fenced in Gpu::submit), and one-off command buffers run to completion.
#include "vulkan/gpu.h"

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/command.h"

namespace mobilevk {

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
  ++submissions_;
  const VkResult injected = submitFault_.exchange(VK_SUCCESS);
  checkSubmitResult(injected != VK_SUCCESS ? injected : vk_.QueueSubmit(queue_, 1, &si, fence),
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

}  // namespace mobilevk
