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
  // Conv2D float {pixels, channel groups}, integer {pixels}; DepthwiseConv {outputs along x};
  // DepthwisePointwiseConv {pixels along x, output channel groups}.
  uint32_t block[2];
  uint32_t workgroupInvocations;  // the device must allow this many per workgroup
  // Which build of the kind's kernel runs it; the builds other than Texel are PointwiseConv float's.
  enum class Build {
    Texel,         // the kind's shader: texel-buffer gathers into a register block
    StorageReads,  // its _ssbo build: tensors and weights read through storage buffers
    SharedTiles,   // pointwise_conv_tiled: a workgroup stages input and weight tiles in shared memory
    Half,          // its f16math build: f16vec4 multiply-adds, accumulated in fp16
    HalfAcc32,     // its f16math_acc32 build: f16vec4 products of 4 input channels, accumulated in fp32
  };
  Build build = Build::Texel;
  // SharedTiles: input channel groups staged per step; the workgroup is subgroupSize x
  // (workgroupInvocations / subgroupSize) invocations, so one subgroup shares a row of output
  // channels (its weight reads from shared memory are uniform: broadcasts) and its lanes read
  // consecutive pixels.
  uint32_t tileChannelGroups = 0;
};

// Why depthwise node `i` of `graph` cannot run fused with the pointwise node reading its output
// (DepthwisePointwiseConv, graph/passes.h), or "" when it can: its
// output's only consumer must be a pointwise convolution (and the output no graph output), and the
// map at most 14x14 (the late layers, where two dispatches' overhead is a large share of little
// work).
std::string fusionProblem(const Graph& graph, NodeId i, const Shape& depthwiseOutput);

// Shared memory a SharedTiles variant uses with the device's subgroup size (0 for other builds).
uint32_t sharedMemoryBytes(const KernelVariant& variant, uint32_t subgroupSize);
// The workgroup a SharedTiles variant runs with on the device: {x, y}.
void tiledWorkgroup(const KernelVariant& variant, uint32_t subgroupSize, uint32_t out[2]);

// The variants of a kind on a path, in table order (the first is the portable default).
std::vector<const KernelVariant*> kernelVariants(NodeKind kind, KernelPath path);
// The named variant, or null when the kind has no variant of that name on that path.
const KernelVariant* findKernelVariant(NodeKind kind, KernelPath path, const std::string& name);
// Why the device cannot run the variant with tensors of `precision`, or "" when it can (fp16
// arithmetic runs only where tensors are fp16 and the device has shaderFloat16).
std::string unsupportedReason(const KernelVariant& variant, const DeviceCapabilities& caps, Precision precision);
// Why the device's driver cannot be trusted with the variant (a known driver bug), or "": part of
// unsupportedReason, separate for the tests that expect lavapipe to run everything else.
std::string driverProblem(const KernelVariant& variant, const DeviceCapabilities& caps);
// The variant used without a tuning cache (null for kinds without variants), from the device's
// type, subgroup size and shared memory: the first of the table on CPU drivers (measured fastest on
// lavapipe); for pointwise layers, wider register blocks on integrated GPUs and the shared-memory
// tiles on discrete ones (see kernel_variants.cpp for why).
const KernelVariant* defaultKernelVariant(NodeKind kind, KernelPath path, const DeviceInfo& device, Precision precision);

}  // namespace mobilevk
