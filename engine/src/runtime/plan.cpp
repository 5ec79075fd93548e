#include "runtime/plan.h"

#include "graph/op_table.h"
#include "half.h"

namespace mobilevk {

namespace {

// Accesses since the last barrier, to place a barrier only on a real hazard (read-after-write,
// write-after-read, write-after-write on overlapping bytes).
class HazardTracker {
 public:
  bool needsBarrier(uint64_t readLo, uint64_t readHi, uint64_t writeLo, uint64_t writeHi) const {
    for (const auto& a : accesses_) {
      const bool overlapRead = readLo < a.hi && a.lo < readHi;
      const bool overlapWrite = writeLo < a.hi && a.lo < writeHi;
      if ((a.write && (overlapRead || overlapWrite)) || (!a.write && overlapWrite)) return true;
    }
    return false;
  }
  void add(uint64_t lo, uint64_t hi, bool write) { accesses_.push_back({lo, hi, write}); }
  void clear() { accesses_.clear(); }

 private:
  struct Access {
    uint64_t lo, hi;
    bool write;
  };
  std::vector<Access> accesses_;
};

}  // namespace

ExecutionPlan planExecution(const Graph& graph, int batch, Precision precision, bool int8, bool keepAll, uint64_t alignment,
                            const std::vector<bool>& fuseWithNext) {
  const auto fused = [&](size_t i) { return i < fuseWithNext.size() && fuseWithNext[i]; };
  ExecutionPlan plan;
  plan.shapes.push_back(graph.inputShape(batch));
  for (const auto& s : graph.inferShapes(batch)) plan.shapes.push_back(s);
  for (const auto& s : plan.shapes) plan.bytes.push_back(int8 ? s.packedElements() : deviceTensorBytes(s, precision));

  // Tensor t is written at step t (t = 0: the upload) and read at step t + 1; the output is read
  // by the download after the last node.
  const int last = int(plan.shapes.size());
  std::vector<TensorLifetime> lifetimes;
  for (int t = 0; t < last; ++t) lifetimes.push_back({plan.bytes[t], t, keepAll || t == last - 1 ? last : t + 1});
  // A fused pair's output is written at the first step, while that step still reads its input:
  // their lifetimes must overlap so that they never share memory.
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (fused(i)) lifetimes[i + 2].firstStep = int(i + 1);
  const MemoryPlan memory = planMemory(lifetimes, alignment);
  plan.offsets = memory.offsets;
  plan.arenaBytes = memory.arenaBytes;

  // The same for every frame, whose arenas share one layout. The first dispatch always waits for
  // any earlier compute write (the image input, or the host's).
  HazardTracker hazards;
  hazards.add(plan.offsets[0], plan.offsets[0] + plan.bytes[0], true);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    PlannedStep step;
    step.input = plan.shapes[i];
    step.output = plan.shapes[i + 1];
    // Kinds without a window keep the default 1x1 one, which resolves to the input size.
    step.window = resolveWindow(node.name, step.input, node.conv.window);
    step.fusedWithNext = fused(i);
    step.fusedIntoPrevious = i > 0 && fused(i - 1);
    if (step.fusedIntoPrevious) {  // no dispatch of its own
      plan.steps.push_back(step);
      continue;
    }
    const size_t written = step.fusedWithNext ? i + 2 : i + 1;
    const uint64_t rLo = plan.offsets[i], rHi = rLo + plan.bytes[i];
    const uint64_t wLo = plan.offsets[written], wHi = wLo + plan.bytes[written];
    step.barrierBefore = hazards.needsBarrier(rLo, rHi, wLo, wHi);
    if (step.barrierBefore) {
      hazards.clear();
      if (i > 0) ++plan.barriers;
    }
    hazards.add(rLo, rHi, false);
    hazards.add(wLo, wHi, true);
    plan.steps.push_back(step);
  }
  return plan;
}

}  // namespace mobilevk
