#pragma once
// Everything about running a graph that is the same for every frame, computed once when a Network
// is made: each value's shape, size and place in the frame's arena (lifetimes from its producer to
// its last consumer), each step's reads, writes and resolved window, and where a barrier must
// separate two dispatches. Ops bind from its steps; recording reads it.
#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "graph/params.h"
#include "runtime/memory_plan.h"

namespace mobilevk {

struct PlannedStep {
  NodeId node = 0;
  std::vector<ValueId> reads, writes;  // what this step's dispatch reads and writes
  std::vector<Shape> inputShapes;      // of the node's inputs
  Shape output;                        // of the node's output
  WindowGeometry window;               // the node's window resolved on its first input
  bool barrierBefore = false;          // a compute barrier before this step's dispatch
  // A RESHAPE that keeps the channels (so the NC4HW4 bytes): its output is a view of its input's
  // bytes, and the step records no dispatch.
  bool view = false;
};

struct ExecutionPlan {
  std::vector<Shape> shapes;      // per value
  std::vector<uint64_t> bytes;    // device bytes of each value
  std::vector<uint64_t> offsets;  // of each value in a frame's arena
  uint64_t arenaBytes = 0;
  std::vector<PlannedStep> steps;  // one per node (one dispatch each), in node order
  size_t barriers = 0;             // barriers between dispatches (the first dispatch's not counted)
  ValueId input = 0;
  std::vector<ValueId> outputs;

  const Shape& inputShape() const { return shapes.at(size_t(input)); }
  const Shape& outputShape(size_t i = 0) const { return shapes.at(size_t(outputs.at(i))); }
};

// `keepAll` keeps every value alive to the end (for reading layer outputs); `alignment` is the
// device's storage-buffer offset alignment.
// `int8` plans the 8-bit tensors of integer execution (one byte per element; `precision` unused).
// Fusions are graph passes (graph/passes.h) run before: the plan sees ordinary nodes.
ExecutionPlan planExecution(const Graph& graph, int batch, Precision precision, bool int8, bool keepAll, uint64_t alignment);

}  // namespace mobilevk
