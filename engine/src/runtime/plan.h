#pragma once
// Everything about running a graph that is the same for every frame, computed once when a Network
// is made: each tensor's shape, size and place in the frame's arena, each step's resolved window,
// and where a barrier must separate two dispatches. Ops bind from its steps; recording reads it.
#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "graph/params.h"
#include "runtime/memory_plan.h"

namespace mobilevk {

struct PlannedStep {
  Shape input, output;
  WindowGeometry window;       // the node's window resolved on `input` (output size, padding)
  bool barrierBefore = false;  // a compute barrier before this step's dispatch
  // Fused steps: this one's dispatch also does the next node's work and writes the next node's
  // output (tensor i + 2), and the next step records nothing. Tensor i + 1 is never written.
  bool fusedWithNext = false, fusedIntoPrevious = false;
};

struct ExecutionPlan {
  // Tensor t: [0] the input, [i + 1] the output of step i.
  std::vector<Shape> shapes;
  std::vector<uint64_t> bytes;    // device bytes of each tensor
  std::vector<uint64_t> offsets;  // of each tensor in a frame's arena
  uint64_t arenaBytes = 0;
  std::vector<PlannedStep> steps;  // one per node
  size_t barriers = 0;             // barriers between dispatches (the first dispatch's not counted)

  const Shape& inputShape() const { return shapes.front(); }
  const Shape& outputShape() const { return shapes.back(); }
};

// `keepAll` keeps every tensor alive to the end (for reading layer outputs); `alignment` is the
// device's storage-buffer offset alignment.
// `int8` plans the 8-bit tensors of integer execution (one byte per element; `precision` unused).
// `fuseWithNext` (empty, or one per node): node i runs fused with node i + 1 (PlannedStep).
ExecutionPlan planExecution(const Graph& graph, int batch, Precision precision, bool int8, bool keepAll, uint64_t alignment,
                            const std::vector<bool>& fuseWithNext = {});

}  // namespace mobilevk
