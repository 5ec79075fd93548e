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
  // A fused pair (a depthwise node and the pointwise node that is its output's only consumer; a
  // pointwise node and the residual ADD that is its output's only consumer): the first step's
  // dispatch does both, reading the second's other inputs and writing its output; the second
  // records nothing. The value between them is never written.
  NodeId fusedWith = -1;         // on the first: the node it does the work of as well
  bool fusedIntoEarlier = false;  // on the second
};

struct ExecutionPlan {
  std::vector<Shape> shapes;      // per value
  std::vector<uint64_t> bytes;    // device bytes of each value
  std::vector<uint64_t> offsets;  // of each value in a frame's arena
  uint64_t arenaBytes = 0;
  std::vector<PlannedStep> steps;  // one per node, in node order
  size_t barriers = 0;             // barriers between dispatches (the first dispatch's not counted)
  ValueId input = 0;
  std::vector<ValueId> outputs;

  const Shape& inputShape() const { return shapes.at(size_t(input)); }
  const Shape& outputShape(size_t i = 0) const { return shapes.at(size_t(outputs.at(i))); }
};

// `keepAll` keeps every value alive to the end (for reading layer outputs); `alignment` is the
// device's storage-buffer offset alignment.
// `int8` plans the 8-bit tensors of integer execution (one byte per element; `precision` unused).
// `fusedWith` (empty, or one per node): node i runs fused with node fusedWith[i] (-1: alone), which
// must be the only consumer of node i's output (PlannedStep).
ExecutionPlan planExecution(const Graph& graph, int batch, Precision precision, bool int8, bool keepAll, uint64_t alignment,
                            const std::vector<NodeId>& fusedWith = {});

}  // namespace mobilevk
