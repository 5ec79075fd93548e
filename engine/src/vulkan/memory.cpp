#include "vulkan/memory.h"

#include <algorithm>
#include <cstdio>

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
VkDeviceSize alignUp(VkDeviceSize v, VkDeviceSize a) { return (v + a - 1) / a * a; }
std::string mib(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }
}  // namespace

std::string byteCount(uint64_t bytes) {
  if (bytes < (1u << 20)) return std::to_string(bytes) + " bytes";
  char text[64];
  std::snprintf(text, sizeof text, "%.1f MiB (%llu bytes)", double(bytes) / double(1u << 20), static_cast<unsigned long long>(bytes));
  return text;
}

MemoryAllocator::MemoryAllocator(const VulkanFunctions& vk, VkPhysicalDevice physical, VkDevice device,
                                 VkDeviceSize maxAllocation, VkDeviceSize blockSize)
    : vk_(&vk), device_(device), blockSize_(maxAllocation ? std::min(blockSize, maxAllocation) : blockSize),
      maxAllocation_(maxAllocation) {
  vk_->GetPhysicalDeviceMemoryProperties(physical, &props_);
  for (uint32_t i = 0; i < props_.memoryTypeCount; ++i) {
    auto f = props_.memoryTypes[i].propertyFlags;
    if ((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) && (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) &&
        (f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) && props_.memoryHeaps[props_.memoryTypes[i].heapIndex].size >= (256ull << 20))
      deviceHostVisible_ = true;
  }
}

MemoryAllocator::~MemoryAllocator() {
  for (auto& b : blocks_) {
    if (b.mapped) vk_->UnmapMemory(device_, b.memory);
    if (b.memory) vk_->FreeMemory(device_, b.memory, nullptr);
  }
}

uint32_t MemoryAllocator::chooseMemoryType(uint32_t typeBits, MemoryUsage usage, const std::string& what) const {
  const VkMemoryPropertyFlags hostVis = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // Preference lists, best first: each entry is (required flags).
  std::vector<VkMemoryPropertyFlags> prefs;
  switch (usage) {
    case MemoryUsage::Device:
      prefs = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | hostVis, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
      break;
    case MemoryUsage::Upload:
      prefs = {hostVis};
      break;
    case MemoryUsage::Readback:
      prefs = {hostVis | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, hostVis};
      break;
  }
  for (auto want : prefs)
    for (uint32_t i = 0; i < props_.memoryTypeCount; ++i)
      if ((typeBits & (1u << i)) && (props_.memoryTypes[i].propertyFlags & want) == want) {
        // A device-local type on a small heap (e.g. 256 MiB BAR) is not where tensors should go.
        if (usage == MemoryUsage::Device && (want & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) &&
            props_.memoryHeaps[props_.memoryTypes[i].heapIndex].size < (256ull << 20))
          continue;
        return i;
      }
  throw Error(ErrorCode::Unsupported, "no Vulkan memory type fits " + what + " (allowed type bits 0x" + std::to_string(typeBits) + ")");
}

uint32_t MemoryAllocator::newBlock(uint32_t memoryType, VkDeviceSize size, ResourceKind kind, bool releaseWhenEmpty,
                                   const std::string& what) {
  VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  info.allocationSize = size;
  info.memoryTypeIndex = memoryType;
  Block b;
  b.memoryType = memoryType;
  b.size = size;
  b.kind = kind;
  b.releaseWhenEmpty = releaseWhenEmpty;
  vkCheck(vk_->AllocateMemory(device_, &info, nullptr, &b.memory),
          "vkAllocateMemory of a " + mib(size) + " block for " + what);
  const auto flags = props_.memoryTypes[memoryType].propertyFlags;
  if ((flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) && (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)) {
    VkResult r = vk_->MapMemory(device_, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
    if (r != VK_SUCCESS) {
      vk_->FreeMemory(device_, b.memory, nullptr);
      vkCheck(r, "vkMapMemory of a " + mib(size) + " block for " + what);
    }
  }
  b.freeRanges[0] = size;
  blocks_.push_back(std::move(b));
  return uint32_t(blocks_.size() - 1);
}

Allocation MemoryAllocator::allocate(const VkMemoryRequirements& req, MemoryUsage usage, const std::string& what,
                                     ResourceKind kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint32_t type = chooseMemoryType(req.memoryTypeBits, usage, what);
  const VkDeviceSize align = std::max<VkDeviceSize>(req.alignment, 16);
  auto tryBlock = [&](uint32_t bi) -> Allocation {
    Block& b = blocks_[bi];
    if (b.memory == VK_NULL_HANDLE || b.memoryType != type || b.kind != kind) return {};
    for (auto it = b.freeRanges.begin(); it != b.freeRanges.end(); ++it) {
      VkDeviceSize start = alignUp(it->first, align);
      VkDeviceSize end = it->first + it->second;
      if (start + req.size > end) continue;
      VkDeviceSize rangeStart = it->first;
      b.freeRanges.erase(it);
      if (start > rangeStart) b.freeRanges[rangeStart] = start - rangeStart;
      if (start + req.size < end) b.freeRanges[start + req.size] = end - (start + req.size);
      ++b.live;
      ++allocationsMade_;
      used_ += req.size;
      Allocation a;
      a.block = bi;
      a.memory = b.memory;
      a.offset = start;
      a.size = req.size;
      a.mapped = b.mapped ? static_cast<char*>(b.mapped) + start : nullptr;
      return a;
    }
    return {};
  };
  for (uint32_t bi = 0; bi < blocks_.size(); ++bi)
    if (Allocation a = tryBlock(bi)) return a;
  // Large requests get a block of their own rather than fragmenting the shared ones. Image blocks are
  // smaller: an input image or two (a camera frame is a few MiB) should not reserve a buffer-sized block.
  const VkDeviceSize shared = kind == ResourceKind::OptimalImage ? blockSize_ / 4 : blockSize_;
  const bool dedicated = req.size > shared / 2;
  const VkDeviceSize size = dedicated ? alignUp(req.size, align) : shared;
  if (maxAllocation_ && size > maxAllocation_)
    throw Error(ErrorCode::Unsupported, what + " needs " + byteCount(size) + " in one allocation, over this device's " +
                                            "maxMemoryAllocationSize of " + byteCount(maxAllocation_) +
                                            "; use a smaller batch or resolution");
  return tryBlock(newBlock(type, size, kind, dedicated || kind == ResourceKind::OptimalImage, what));
}

void MemoryAllocator::free(const Allocation& a) {
  if (!a) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Block& b = blocks_.at(a.block);
  used_ -= a.size;
  auto [it, inserted] = b.freeRanges.emplace(a.offset, a.size);
  (void)inserted;
  // Coalesce with the next and previous free ranges.
  auto next = std::next(it);
  if (next != b.freeRanges.end() && it->first + it->second == next->first) {
    it->second += next->second;
    b.freeRanges.erase(next);
  }
  if (it != b.freeRanges.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      b.freeRanges.erase(it);
    }
  }
  // Dedicated (oversized) and image blocks are returned to the driver as soon as they are empty.
  if (--b.live == 0 && b.releaseWhenEmpty) {
    if (b.mapped) vk_->UnmapMemory(device_, b.memory);
    vk_->FreeMemory(device_, b.memory, nullptr);
    b = Block{};
  }
}

MemoryStats MemoryAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  MemoryStats s;
  for (const auto& b : blocks_) {
    if (!b.memory) continue;
    ++s.blocks;
    s.reservedBytes += b.size;
    s.liveAllocations += b.live;
  }
  s.usedBytes = used_;
  s.allocationsMade = allocationsMade_;
  return s;
}

Buffer::Buffer(Gpu& gpu, VkDeviceSize bytes, MemoryUsage usage, const std::string& what, bool bindWhole)
    : gpu_(&gpu), size_(bytes) {
  if (bytes == 0) throw Error("cannot create an empty buffer for " + what);
  if (usage == MemoryUsage::Device && bindWhole && bytes > gpu.info().caps.maxStorageBufferRange)
    throw Error(ErrorCode::Unsupported, what + " needs " + std::to_string(bytes) + " bytes, over this device's maxStorageBufferRange of " +
                std::to_string(gpu.info().caps.maxStorageBufferRange) + "; use a smaller batch or resolution");
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  vkCheck(gpu.vk().CreateBuffer(gpu.device(), &info, nullptr, &buffer_), "vkCreateBuffer for " + what);
  VkMemoryRequirements req;
  gpu.vk().GetBufferMemoryRequirements(gpu.device(), buffer_, &req);
  try {
    gpu.checkNotLost(what.c_str());
    const VkResult injected = gpu.takeAllocationFault();
    if (injected != VK_SUCCESS) vkCheck(injected, "vkAllocateMemory for " + what);
    alloc_ = gpu.allocator().allocate(req, usage, what);
    vkCheck(gpu.vk().BindBufferMemory(gpu.device(), buffer_, alloc_.memory, alloc_.offset), "vkBindBufferMemory for " + what);
  } catch (...) {
    release();
    throw;
  }
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
  if (buffer_) gpu_->vk().DestroyBuffer(gpu_->device(), buffer_, nullptr);
  if (alloc_) gpu_->allocator().free(alloc_);
  buffer_ = VK_NULL_HANDLE;
  alloc_ = {};
}

Buffer::Buffer(Buffer&& o) noexcept { *this = std::move(o); }

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    release();
    gpu_ = o.gpu_;
    buffer_ = o.buffer_;
    size_ = o.size_;
    alloc_ = o.alloc_;
    o.buffer_ = VK_NULL_HANDLE;
    o.alloc_ = {};
  }
  return *this;
}

}  // namespace mobilevk
