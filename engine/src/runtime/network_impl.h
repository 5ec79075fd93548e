#pragma once
// What a mobilevk::Network holds: its plan, per-frame ops and arenas, recorded command buffers and
// the pixel-path cache. Built and recorded in network_build.cpp; run from the host in
// network_run.cpp; the public methods are network.cpp.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/model_access.h"
#include "half.h"
#include "mobilevk/network.h"
#include "ops/image_input.h"
#include "ops/integer_op.h"
#include "ops/op.h"
#include "runtime/plan.h"
#include "runtime/tuning_cache.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"
#include "vulkan/image.h"
#include "vulkan/query.h"

namespace mobilevk {

// NetworkOptions::execution resolved for a graph: whether its network runs integer arithmetic.
inline bool runsInteger(const NetworkOptions& o, const Graph& graph) {
  return o.execution == NetworkOptions::Execution::Integer ||
         (o.execution == NetworkOptions::Execution::Auto && graph.integerExecutable());
}

struct Network::Impl {
  // Declared first, so destroyed last: every Vulkan object below is freed while the device lives,
  // also when the Context went first.
  std::shared_ptr<Gpu> gpuOwner;
  Gpu& gpu;
  Model model;
  const NetworkOptions options;  // as the caller gave them; what they resolve to is below
  // The resolved configuration, computed once at construction: the storage precision (the policy
  // applied), integer execution and its inner product, each node's variant and fusion, and why.
  Precision precision;
  ExecutionPlan plan;
  // Integer execution (NetworkOptions::Execution::Integer): 8-bit tensors, each value with its
  // file's quantization (quants, by value id).
  bool integer = false;
  InnerProduct innerProduct = InnerProduct::Plain;  // NetworkOptions::DotProduct resolved
  // Per executed node: the kernel variant from the tuning cache, or null (the op's default).
  std::vector<const KernelVariant*> variants;
  std::vector<std::string> tuningKeys;  // per node (runtime/tuning_cache.h)
  // Per node: for a depthwise node whose output only a pointwise node reads, the key of fusing the
  // two (fusedPairTuningKey); "" otherwise.
  std::vector<std::string> fusionKeys;
  TuningTable tuning;                   // options.tuningCache, parsed (empty when absent or ignored)
  // The graph as it runs: the Model's after the fusion passes (graph/passes.h), or the Model's
  // itself when none applies or with keepLayerOutputs. Nodes, values, the plan, ops and variants
  // below are the executed graph's; tuning keys and the per-layer API are the Model's layers'.
  std::shared_ptr<const Graph> execOwner;
  const Graph* exec = nullptr;
  // A graph ending in host nodes (the op table's Placement::Host: the detection post-process):
  // `exec` is its device part, whose outputs are the values the host nodes read and the graph's
  // outputs the device computes; `withHostTail` the whole graph, whose host nodes run on the CPU
  // after the readback (readOutputs). Null when every node runs on the device.
  std::shared_ptr<const Graph> withHostTail;
  // The network's outputs (the whole graph's, by value id of `withHostTail` or `exec`) and the
  // shape of every value of the whole graph.
  std::vector<ValueId> outputs;
  std::vector<Shape> shapes;
  // Cuts the host tail off `exec` (after chooseKernelVariants); sets the three above.
  void splitHostTail();
  // The index of value `v` among the device outputs (plan.outputs), or -1.
  int deviceOutput(ValueId v) const;
  // Variants from the tuning cache, the fusions it decides and those that always apply: sets
  // tuningKeys, fusionKeys, exec and variants.
  void chooseKernelVariants(const Graph& graph);
  // NetworkOptions::PrecisionPolicy::Auto: sets `precision` from the tuning cache's decision for
  // this model and batch, and precisionReason to why.
  void choosePrecision(const Graph& graph);
  std::string precisionReason;
  // "fp32", "fp16", "int8" or "int8-dot": the storage part of a layer's tuning key.
  std::string storageName() const;
  std::vector<TensorQuant> quants;
  // Per frame in flight: op instances bound to that frame's arena (weights shared between frames).
  struct Frame {
    std::vector<std::unique_ptr<GpuOp>> ops;
    Buffer arena;
    std::unique_ptr<ImageInput> imageInput;
    std::unique_ptr<CommandBuffer> submitCmd;  // for submitImage()
    // Where memory is not host-visible: the frame's outputs are copied here for the host (by run(),
    // runPixels() and readOutput(frame), all of which wait for it under the network's lock), the
    // last by readbackCmd, recorded once, so that readOutput allocates and records nothing per call.
    std::vector<Buffer> readbacks;  // one per graph output
    std::unique_ptr<CommandBuffer> readbackCmd;
  };
  std::vector<Frame> frames;
  Buffer inStaging;
  std::unique_ptr<CommandBuffer> cmd;
  std::unique_ptr<Fence> fence;
  std::unique_ptr<TimestampPool> timestamps;  // [0] before the first dispatch, [i+1] after node i's step
  std::mutex mutex;
  struct PixelPath {
    std::unique_ptr<Rgba8Image> image;
    Buffer staging;
    std::unique_ptr<CommandBuffer> cmd;
  };
  // Most recently used first; at most kPixelPathCacheSize entries.
  std::list<std::pair<std::pair<uint32_t, uint32_t>, PixelPath>> pixelPaths;

  Impl(std::shared_ptr<Gpu> g, const Model& m, const NetworkOptions& o);

  // Each tensor is bound whole to a shader: one over maxStorageBufferRange cannot run here. Say
  // which tensor, and what to change (at batch 1 only the resolution can).
  void checkTensorsFitDevice(const Graph& graph) const;

  // Host floats -> the device's storage format of the input (integers: put on the input's grid),
  // and tensor t's device bytes back to floats (integers: dequantized).
  std::vector<uint8_t> toDevice(const HostTensor& t) const;
  HostTensor fromDevice(const std::vector<uint8_t>& raw, ValueId value) const;

  BufferView view(size_t frame, ValueId v) const {
    return BufferView(frames.at(frame).arena, plan.offsets.at(size_t(v)), plan.bytes.at(size_t(v)));
  }
  size_t layers() const { return ModelAccess::graph(model).nodes.size(); }  // the Model's
  DeviceTensor deviceTensor(size_t frame, ValueId value) const;
  size_t outputCount() const { return outputs.size(); }
  // Throws naming the count when `i` is not an output.
  ValueId outputValue(size_t i) const;

  // What one recording of a frame holds around (or instead of) the network's dispatches. Every
  // path records through recordFrame: run() (host tensor in, output to the host), runPixels()
  // (host pixels through an image), submitImage() and the host's record()/recordImageInput(), and
  // the readback of a frame.
  struct RecordSteps {
    const Buffer* hostInput = nullptr;      // copy this upload buffer into the input tensor first
    const Rgba8Image* pixelImage = nullptr;  // upload host pixels from pixelStaging into this image
    const Buffer* pixelStaging = nullptr;
    const ImageSource* image = nullptr;      // crop/resize/normalize this image into the input
    int batchIndex = 0;
    bool dispatches = true;
    const TimestampPool* timestamps = nullptr;
    bool toHost = false;    // make the output readable by the host after the fence,
    bool download = false;  // copying it to the frame's readback buffer where memory is not host-visible
  };

  void recordFrame(VkCommandBuffer c, size_t frame, const RecordSteps& s);

  // A command buffer of the shared pool recorded once with `steps`.
  std::unique_ptr<CommandBuffer> recordOnce(size_t frame, const RecordSteps& steps);

  void record();

  // The network's dispatches, with the barriers the plan placed (only on a real hazard). The first
  // dispatch waits for any earlier compute write (the image input, or the host's).
  void recordDispatches(VkCommandBuffer c, const TimestampPool* ts, size_t frame) const;

  // Outputs to the host: with `download`, into the frame's readback buffers where memory is not
  // host-visible; then a host barrier.
  void recordOutputCopy(VkCommandBuffer c, bool download, size_t frame) const;


  void recordReadbacks();

  // The outputs of a frame the host recorded and waited for.
  std::vector<HostTensor> readFrameOutputs(size_t frame) const;

  // Output `i` of `frame` once a copy to its readback buffer (where there is one) has completed;
  // an output of a host node runs the host tail on the device outputs.
  HostTensor readOutput(size_t frame, size_t i) const;
  // The device outputs of `frame` and the values the host tail computes from them (the rest empty),
  // by value id of the whole graph.
  std::vector<HostTensor> readWithHostTail(size_t frame) const;
  // Device output k (plan.outputs[k]) of `frame`.
  HostTensor readDeviceOutput(size_t frame, size_t k) const;
  // How long the host tail took the last time it ran (readOutputs), in milliseconds.
  mutable double hostMilliseconds = 0;
  std::vector<HostTensor> readOutputs(size_t frame) const;
  // Any value of frame 0 (keepLayerOutputs keeps them all).
  HostTensor readValue(ValueId v) const;

  ImageInput& images(size_t frame);

  void recordImage(VkCommandBuffer c, const ImageSource& src, int batchIndex, size_t frame);

  std::vector<HostTensor> run(const HostTensor& input);

  // Replays a recorded frame-0 command buffer, waits for it and reads the outputs (via the
  // readback buffers where memory is not host-visible).
  std::vector<HostTensor> submitAndRead(VkCommandBuffer c, const char* what);

  std::vector<HostTensor> runPixels(const uint8_t* rgba, uint32_t width, uint32_t height);
};

}  // namespace mobilevk
