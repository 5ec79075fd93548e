#include "vulkan/query.h"

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/gpu.h"

namespace mobilevk {

TimestampPool::TimestampPool(Gpu& gpu, uint32_t count)
    : vk_(&gpu.vk()), device_(gpu.device()), count_(count), periodNs_(gpu.info().caps.timestampPeriodNs) {
  const uint32_t bits = gpu.info().caps.timestampValidBits;
  if (!gpu.info().caps.timestamps || bits == 0)
    throw Error(ErrorCode::Unsupported, "device " + gpu.info().name + " cannot write timestamps on its compute queue");
  mask_ = bits >= 64 ? ~0ull : ((1ull << bits) - 1);
  VkQueryPoolCreateInfo ci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  ci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  ci.queryCount = count;
  vkCheck(vk_->CreateQueryPool(device_, &ci, nullptr, &pool_), "vkCreateQueryPool of " + std::to_string(count) + " timestamps");
}

TimestampPool::~TimestampPool() {
  if (pool_) vk_->DestroyQueryPool(device_, pool_, nullptr);
}

void TimestampPool::reset(VkCommandBuffer cmd) const { vk_->CmdResetQueryPool(cmd, pool_, 0, count_); }

void TimestampPool::write(VkCommandBuffer cmd, uint32_t index) const {
  vk_->CmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, index);
}

std::vector<double> TimestampPool::readNs() const {
  std::vector<uint64_t> raw(count_);
  vkCheck(vk_->GetQueryPoolResults(device_, pool_, 0, count_, raw.size() * sizeof(uint64_t), raw.data(), sizeof(uint64_t),
                                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
          "vkGetQueryPoolResults");
  std::vector<double> ns(count_);
  for (uint32_t i = 0; i < count_; ++i) ns[i] = double((raw[i] - raw[0]) & mask_) * periodNs_;
  return ns;
}

}  // namespace mobilevk
