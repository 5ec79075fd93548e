#include "runtime/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace mobilevk {

MemoryPlan planMemory(const std::vector<TensorLifetime>& tensors, uint64_t alignment) {
  const uint64_t a = std::max<uint64_t>(alignment, 1);
  auto alignUp = [a](uint64_t v) { return (v + a - 1) / a * a; };
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return tensors[x].bytes > tensors[y].bytes; });

  MemoryPlan plan;
  plan.offsets.assign(tensors.size(), 0);
  std::vector<size_t> placed;
  for (size_t t : order) {
    const auto& me = tensors[t];
    // Ranges taken by already placed tensors alive at the same time, sorted by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t p : placed) {
      const auto& o = tensors[p];
      if (o.firstStep <= me.lastStep && me.firstStep <= o.lastStep) busy.push_back({plan.offsets[p], plan.offsets[p] + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (const auto& [lo, hi] : busy) {
      if (offset + me.bytes <= lo) break;
      offset = std::max(offset, alignUp(hi));
    }
    plan.offsets[t] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + me.bytes);
    placed.push_back(t);
  }
  plan.arenaBytes = alignUp(plan.arenaBytes);
  return plan;
}

}  // namespace mobilevk
