#include "runtime/plan.h"

#include <algorithm>

#include "graph/op_table.h"
#include "half.h"

namespace mobilevk {

namespace {

// Accesses since the last barrier, to place a barrier only on a real hazard (read-after-write,
// write-after-read, write-after-write on overlapping bytes); two reads never conflict.
class HazardTracker {
 public:
  struct Range {
    uint64_t lo, hi;
  };
  bool needsBarrier(const std::vector<Range>& reads, const std::vector<Range>& writes) const {
    const auto overlaps = [](const Range& x, const Access& a) { return x.lo < a.hi && a.lo < x.hi; };
    for (const auto& a : accesses_) {
      for (const auto& r : reads)
        if (a.write && overlaps(r, a)) return true;
      for (const auto& w : writes)
        if (overlaps(w, a)) return true;
    }
    return false;
  }
  void add(const Range& r, bool write) { accesses_.push_back({r.lo, r.hi, write}); }
  void clear() { accesses_.clear(); }

 private:
  struct Access {
    uint64_t lo, hi;
    bool write;
  };
  std::vector<Access> accesses_;
};

}  // namespace

ExecutionPlan planExecution(const Graph& graph, int batch, Precision precision, bool int8, bool keepAll, uint64_t alignment) {
  ExecutionPlan plan;
  plan.input = graph.inputValue;
  plan.outputs = graph.outputs;
  plan.shapes = graph.inferShapes(batch);
  for (const auto& s : plan.shapes) plan.bytes.push_back(int8 ? s.packedElements() : deviceTensorBytes(s, precision));

  // Views: the output of a RESHAPE that keeps the channel count has its input's NC4HW4 bytes
  // (planes of H*W pixels, H*W unchanged per image), so it is stored there: storage[v] is the value
  // whose bytes v uses (itself, or the root of a chain of views).
  std::vector<ValueId> storage(graph.values.size());
  for (size_t v = 0; v < storage.size(); ++v) storage[v] = ValueId(v);
  std::vector<bool> isView(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.kind != NodeKind::Reshape) continue;
    const Shape& in = plan.shapes[size_t(node.inputs.at(0))];
    const Shape& out = plan.shapes[size_t(node.outputs.at(0))];
    if (in.c != out.c || plan.bytes[size_t(node.inputs[0])] != plan.bytes[size_t(node.outputs[0])]) continue;
    isView[i] = true;
    storage[size_t(node.outputs[0])] = storage[size_t(node.inputs[0])];
  }

  // Step s = node s + 1; step 0 is the upload of the input. A value lives from the step that
  // writes it to the last that reads it (its views' readers included); graph outputs until the
  // downloads after the last step.
  const int end = int(graph.nodes.size()) + 1;
  std::vector<TensorLifetime> lifetimes(graph.values.size());
  for (size_t v = 0; v < graph.values.size(); ++v) {
    const Value& value = graph.values[v];
    const int written = value.producer < 0 ? 0 : value.producer + 1;
    lifetimes[v] = {storage[v] == ValueId(v) ? plan.bytes[v] : 0, written, written};
  }
  for (size_t v = 0; v < graph.values.size(); ++v) {
    const Value& value = graph.values[v];
    TensorLifetime& root = lifetimes[size_t(storage[v])];
    for (NodeId c : value.consumers) root.lastStep = std::max(root.lastStep, c + 1);
    if (keepAll || value.graphOutput) root.lastStep = end;
  }
  const MemoryPlan memory = planMemory(lifetimes, alignment);
  plan.offsets = memory.offsets;
  for (size_t v = 0; v < graph.values.size(); ++v) plan.offsets[v] = plan.offsets[size_t(storage[v])];
  plan.arenaBytes = memory.arenaBytes;

  // The same for every frame, whose arenas share one layout. The first dispatch always waits for
  // any earlier compute write (the image input, or the host's).
  const auto range = [&](ValueId v) { return HazardTracker::Range{plan.offsets[size_t(v)], plan.offsets[size_t(v)] + plan.bytes[size_t(v)]}; };
  HazardTracker hazards;
  hazards.add(range(plan.input), true);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    PlannedStep step;
    step.node = NodeId(i);
    for (ValueId v : node.inputs) step.inputShapes.push_back(plan.shapes[size_t(v)]);
    step.output = plan.shapes[size_t(node.outputs.at(0))];
    // Kinds without a window keep the default 1x1 one, which resolves to the input size.
    step.window = resolveWindow(node.name, step.inputShapes.at(0), node.window());
    step.view = isView[i];
    if (!step.view) {  // a view moves no byte
      step.reads = node.inputs;
      step.writes = node.outputs;
    }
    std::vector<HazardTracker::Range> reads, writes;
    for (ValueId v : step.reads) reads.push_back(range(v));
    for (ValueId v : step.writes) writes.push_back(range(v));
    step.barrierBefore = hazards.needsBarrier(reads, writes);
    if (step.barrierBefore) {
      hazards.clear();
      if (i > 0) ++plan.barriers;
    }
    for (const auto& r : reads) hazards.add(r, false);
    for (const auto& w : writes) hazards.add(w, true);
    plan.steps.push_back(step);
  }
  return plan;
}

}  // namespace mobilevk
