#pragma once
// Kernel variants: the ways a layer kind can run on the GPU, declared in one table
// (ops/kernel_variants.cpp). A variant is a block shape of its kind's shader (specialization
// constants: the same source, other register blocks) with what it needs of the device. The tuner
// (runtime/tuning.h) times every variant a device supports on each layer shape and keeps the
// fastest; without a tuning cache, defaultKernelVariant picks one from the device's properties.
// Kinds with no entry here run their one fixed kernel.
#include <string>
#include <vector>

#include "graph/graph.h"
#include "mobilevk/context.h"

namespace mobilevk {

enum class KernelPath { Float, Integer };

struct KernelVariant {
  const char* name;  // unique within (kind, path); what tuning caches and `bench --per-layer` name
  NodeKind kind;
  KernelPath path;
  // The block shape, as the kind's op reads it: PointwiseConv {pixels, output channel groups of 4};
  // Conv2D float {pixels, channel groups}, integer {pixels}; DepthwiseConv {outputs along x}.
  uint32_t block[2];
  uint32_t workgroupInvocations;  // the device must allow this many per workgroup
  // Reads its tensors and weights through storage buffers rather than texel buffers (the shader's
  // _ssbo build); only PointwiseConv float has such variants.
  bool storageReads = false;
};

// The variants of a kind on a path, in table order (the first is the portable default).
std::vector<const KernelVariant*> kernelVariants(NodeKind kind, KernelPath path);
// The named variant, or null when the kind has no variant of that name on that path.
const KernelVariant* findKernelVariant(NodeKind kind, KernelPath path, const std::string& name);
// Why the device cannot run the variant, or "" when it can.
std::string unsupportedReason(const KernelVariant& variant, const DeviceCapabilities& caps);
// The variant used without a tuning cache (null for kinds without variants): the block shapes
// measured fastest on a CPU driver (lavapipe) for CPU devices, and for GPUs the shapes that give
// each invocation more outputs to hide memory latency with.
const KernelVariant* defaultKernelVariant(NodeKind kind, KernelPath path, const DeviceInfo& device);

}  // namespace mobilevk
