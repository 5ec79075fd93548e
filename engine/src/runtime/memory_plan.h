#pragma once
// Places every tensor of a network in one arena so that tensors whose lifetimes overlap never
// share bytes, and tensors that are never alive together do. Greedy by size (largest first, each
// at the lowest offset that fits), as TFLite's arena planner does; for a chain it reaches the
// ping-pong optimum of the two largest neighbouring tensors.
#include <cstdint>
#include <vector>

namespace mobilevk {

struct TensorLifetime {
  uint64_t bytes = 0;
  int firstStep = 0, lastStep = 0;  // inclusive: written at firstStep, last read at lastStep
};

struct MemoryPlan {
  std::vector<uint64_t> offsets;  // per tensor
  uint64_t arenaBytes = 0;
};

MemoryPlan planMemory(const std::vector<TensorLifetime>& tensors, uint64_t alignment);

}  // namespace mobilevk
