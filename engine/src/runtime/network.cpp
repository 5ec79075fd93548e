#include "mobilevk/network.h"
#include "internal_access.h"

#include <algorithm>
#include <cstring>
#include <list>
#include <mutex>

#include "graph/graph.h"
#include "runtime/plan.h"
#include "mobilevk/error.h"
#include "ops/gpu_op_table.h"
#include "ops/image_input.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"
#include "vulkan/image.h"
#include "vulkan/query.h"

namespace mobilevk {

struct Network::Impl {
  Gpu& gpu;
  Model model;
  NetworkOptions options;
  ExecutionPlan plan;
  // Per frame in flight: op instances bound to that frame's arena (weights shared between frames).
  struct Frame {
    std::vector<std::unique_ptr<GpuOp>> ops;
    Buffer arena;
    std::unique_ptr<ImageInput> imageInput;
    std::unique_ptr<CommandBuffer> submitCmd;  // for submitImage()
    // Where memory is not host-visible: the frame's output is copied here for the host (by run(),
    // runPixels() and readOutput(frame), all of which wait for it under the network's lock), the
    // last by readbackCmd, recorded once, so that readOutput allocates and records nothing per call.
    Buffer readback;
    std::unique_ptr<CommandBuffer> readbackCmd;
  };
  std::vector<Frame> frames;
  Buffer inStaging;
  std::unique_ptr<CommandBuffer> cmd;
  std::unique_ptr<Fence> fence;
  std::unique_ptr<TimestampPool> timestamps;  // [0] before the first dispatch, [i+1] after dispatch i
  std::mutex mutex;
  struct PixelPath {
    std::unique_ptr<Rgba8Image> image;
    Buffer staging;
    std::unique_ptr<CommandBuffer> cmd;
  };
  // Most recently used first; at most kPixelPathCacheSize entries.
  std::list<std::pair<std::pair<uint32_t, uint32_t>, PixelPath>> pixelPaths;

  Impl(Gpu& g, const Model& m, const NetworkOptions& o) : gpu(g), model(m), options(o) {
    const Graph& graph = InternalAccess::graph(model);
    const uint64_t align = std::max<uint64_t>(gpu.info().caps.minStorageBufferOffsetAlignment, 16);
    plan = planExecution(graph, o.batch, o.precision, o.keepLayerOutputs, align);
    checkTensorsFitDevice(graph);
    if (o.framesInFlight < 1 || o.framesInFlight > 16)
      throw Error(ErrorCode::InvalidArgument, "framesInFlight must be in [1, 16], got " + std::to_string(o.framesInFlight));
    std::vector<std::shared_ptr<const PackedWeights>> weights;
    Gpu::UploadBatch uploads(gpu);
    for (const auto& n : graph.nodes)
      weights.push_back(hasWeights(n.kind) ? PackedWeights::create(gpu, n.conv, convKindOf(n.kind), o.precision, uploads)
                                           : nullptr);
    uploads.flush();  // every layer's weights in one submission
    frames.resize(size_t(o.framesInFlight));
    for (size_t f = 0; f < frames.size(); ++f) {
      frames[f].arena = Buffer(gpu, plan.arenaBytes, MemoryUsage::Device,
                               "activations of " + model.name() + " (batch " + std::to_string(o.batch) + ", frame " +
                                   std::to_string(f) + ")",
                               false);
      for (size_t i = 0; i < graph.nodes.size(); ++i) {
        frames[f].ops.push_back(makeGpuOp(gpu, graph.nodes[i], o.precision, weights[i]));
        const PlannedStep& step = plan.steps[i];
        frames[f].ops[i]->bind({view(f, i), view(f, i + 1), step.input, step.output, step.window});
      }
    }
    if (gpu.usesStaging()) {
      inStaging = Buffer(gpu, plan.bytes.front(), MemoryUsage::Upload, "input staging");
      for (size_t f = 0; f < frames.size(); ++f)
        frames[f].readback = Buffer(gpu, plan.bytes.back(), MemoryUsage::Readback,
                                    "output readback of frame " + std::to_string(f));
    }
    if (options.profile) timestamps = std::make_unique<TimestampPool>(gpu, uint32_t(graph.nodes.size() + 1));
    record();
    recordReadbacks();
    fence = std::make_unique<Fence>(gpu);
  }

  // Each tensor is bound whole to a shader: one over maxStorageBufferRange cannot run here. Say
  // which tensor, and what to change (at batch 1 only the resolution can).
  void checkTensorsFitDevice(const Graph& graph) const {
    const uint64_t range = gpu.info().caps.maxStorageBufferRange;
    auto mib = [](uint64_t b) { return std::to_string((b + (1u << 20) - 1) >> 20) + " MiB"; };
    const auto& shapes = plan.shapes;
    for (size_t t = 0; t < shapes.size(); ++t) {
      if (plan.bytes[t] <= range) continue;
      const std::string what = t == 0 ? "the input" : "the output of '" + graph.nodes[t - 1].name + "'";
      const std::string advice =
          options.batch == 1 ? "the input resolution " + std::to_string(shapes[0].h) + "x" + std::to_string(shapes[0].w) +
                                   " is too large for this device"
                             : "use a smaller batch (now " + std::to_string(options.batch) + ") or input resolution";
      throw Error(ErrorCode::Unsupported, model.name() + ": " + what + " (" + shapes[t].str() + ") needs " + mib(plan.bytes[t]) +
                  ", over this device's maxStorageBufferRange of " + mib(range) + "; " + advice);
    }
  }

  // NC4HW4 floats -> the device's storage format, and back.
  std::vector<uint8_t> toDevice(const HostTensor& t) const {
    return encodeStorage(packNC4HW4(t), options.precision);
  }
  HostTensor fromDevice(const std::vector<uint8_t>& raw, const Shape& s) const {
    return unpackNC4HW4(decodeStorage(raw, options.precision), s);
  }

  BufferView view(size_t frame, size_t t) const {
    return BufferView(frames.at(frame).arena, plan.offsets[t], plan.bytes[t]);
  }
  size_t layers() const { return plan.steps.size(); }

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

  void recordFrame(VkCommandBuffer c, size_t frame, const RecordSteps& s) {
    const VulkanFunctions& vk = gpu.vk();
    if (s.timestamps) s.timestamps->reset(c);
    if (s.hostInput) {
      VkBufferCopy region{0, plan.offsets.front(), s.hostInput->size()};
      vk.CmdCopyBuffer(c, s.hostInput->handle(), frames.at(frame).arena.handle(), 1, &region);
      transferToComputeBarrier(vk, c);
    }
    if (s.pixelImage) s.pixelImage->recordUpload(c, s.pixelStaging->handle());
    if (s.image) recordImage(c, *s.image, s.batchIndex, frame);
    if (s.dispatches) recordDispatches(c, s.timestamps, frame);
    if (s.toHost) recordOutputCopy(c, s.download, frame);
  }

  // A command buffer of the shared pool recorded once with `steps`.
  std::unique_ptr<CommandBuffer> recordOnce(size_t frame, const RecordSteps& steps) {
    auto recorded = std::make_unique<CommandBuffer>(gpu);
    auto poolLock = gpu.lockCommandPool();
    recorded->begin(false);
    recordFrame(recorded->handle(), frame, steps);
    recorded->end();
    return recorded;
  }

  void record() {
    RecordSteps s;
    s.hostInput = inStaging ? &inStaging : nullptr;
    s.timestamps = timestamps.get();
    s.toHost = true;
    s.download = true;
    cmd = recordOnce(0, s);
  }

  // The network's dispatches, with the barriers the plan placed (only on a real hazard). The first
  // dispatch waits for any earlier compute write (the image input, or the host's).
  void recordDispatches(VkCommandBuffer c, const TimestampPool* ts, size_t frame) const {
    const VulkanFunctions& vk = gpu.vk();
    const auto& ops = frames.at(frame).ops;
    if (ts) ts->write(c, 0);
    for (size_t i = 0; i < ops.size(); ++i) {
      if (plan.steps[i].barrierBefore) computeToComputeBarrier(vk, c);
      ops[i]->record(c);
      if (ts) ts->write(c, uint32_t(i + 1));
    }
  }

  // Output to the host: with `download`, into the frame's readback buffer where memory is not
  // host-visible; then a host barrier.
  void recordOutputCopy(VkCommandBuffer c, bool download, size_t frame) const {
    const VulkanFunctions& vk = gpu.vk();
    const Frame& fr = frames.at(frame);
    if (download && fr.readback) {
      computeToTransferBarrier(vk, c);
      VkBufferCopy region{plan.offsets.back(), 0, fr.readback.size()};
      vk.CmdCopyBuffer(c, fr.arena.handle(), fr.readback.handle(), 1, &region);
    }
    anyToHostBarrier(vk, c);
  }


  void recordReadbacks() {
    for (size_t f = 0; f < frames.size(); ++f) {
      if (!frames[f].readback) continue;  // host-visible: readOutput copies from the arena
      RecordSteps s;
      s.dispatches = false;
      s.toHost = true;
      s.download = true;
      frames[f].readbackCmd = recordOnce(f, s);
    }
  }

  // The output of a frame the host recorded and waited for.
  HostTensor readFrameOutput(size_t frame) const {
    const Frame& fr = frames.at(frame);
    if (fr.readbackCmd) {
      fence->reset();
      gpu.submit(fr.readbackCmd->handle(), fence->handle(), "output readback");
      fence->wait("output readback");
    }
    return readOutput(frame);
  }

  // The output of `frame` once a copy to its readback buffer (where there is one) has completed.
  HostTensor readOutput(size_t frame) const {
    const Buffer& staging = frames.at(frame).readback;
    std::vector<uint8_t> out(plan.bytes.back());
    if (staging) std::memcpy(out.data(), staging.mapped(), out.size());
    else gpu.download(frames.at(frame).arena, out.data(), out.size(), plan.offsets.back());
    return fromDevice(out, plan.outputShape());
  }

  ImageInput& images(size_t frame) {
    auto& in = frames.at(frame).imageInput;
    if (!in) in = std::make_unique<ImageInput>(gpu, options.precision);
    return *in;
  }

  void recordImage(VkCommandBuffer c, const ImageSource& src, int batchIndex, size_t frame) {
    images(frame).record(c, src.view, src.layout, src.width, src.height, src.format,
                         {src.cropX, src.cropY, src.cropWidth, src.cropHeight}, model.input(), view(frame, 0),
                         plan.inputShape(), batchIndex);
  }

  HostTensor run(const HostTensor& input) {
    if (input.shape != plan.inputShape())
      throw Error(ErrorCode::InvalidArgument, "input of shape " + input.shape.str() + " does not match the network's " + plan.inputShape().str());
    if (input.data.size() != input.shape.elements())
      throw Error(ErrorCode::InvalidArgument, "input tensor holds " + std::to_string(input.data.size()) + " floats, its shape needs " +
                  std::to_string(input.shape.elements()));
    std::lock_guard<std::mutex> lock(mutex);
    const auto in = toDevice(input);
    if (inStaging) std::memcpy(inStaging.mapped(), in.data(), in.size());
    else gpu.upload(frames[0].arena, in.data(), in.size(), plan.offsets.front());
    return submitAndRead(cmd->handle(), "inference");
  }

  // Replays a recorded frame-0 command buffer, waits for it and reads the output (via `readback`
  // where memory is not host-visible).
  HostTensor submitAndRead(VkCommandBuffer c, const char* what) {
    fence->reset();
    gpu.submit(c, fence->handle(), what);
    fence->wait(what);
    return readOutput(0);
  }

  HostTensor runPixels(const uint8_t* rgba, uint32_t width, uint32_t height) {
    if (!rgba || width == 0 || height == 0) throw Error(ErrorCode::InvalidArgument, "runPixels: no pixels given");
    if (plan.inputShape().n != 1) throw Error(ErrorCode::InvalidArgument, "runPixels classifies one image; the network has batch " + std::to_string(plan.inputShape().n));
    const uint32_t maxSide = gpu.info().caps.maxImageDimension2D;
    if (width > maxSide || height > maxSide)
      throw Error(ErrorCode::InvalidArgument, "runPixels: a " + std::to_string(width) + "x" + std::to_string(height) +
                  " image is larger than this device's maxImageDimension2D of " + std::to_string(maxSide) +
                  "; scale it down first");
    std::lock_guard<std::mutex> lock(mutex);
    const std::pair<uint32_t, uint32_t> key{width, height};
    auto hit = std::find_if(pixelPaths.begin(), pixelPaths.end(), [&](const auto& e) { return e.first == key; });
    if (hit != pixelPaths.end()) {
      pixelPaths.splice(pixelPaths.begin(), pixelPaths, hit);
    } else {
      // Every earlier submission has completed (each call waits), so the oldest entry can go; the
      // descriptor set cached for its image view goes with it (a new image may reuse the handle).
      if (pixelPaths.size() >= Network::kPixelPathCacheSize) {
        const PixelPath& old = pixelPaths.back().second;
        if (old.image) images(0).forget(old.image->view());
        pixelPaths.pop_back();
      }
      pixelPaths.emplace_front(key, PixelPath{});
    }
    PixelPath& path = pixelPaths.front().second;
    if (!path.cmd) {
      path.image = std::make_unique<Rgba8Image>(gpu, width, height);
      path.staging = Buffer(gpu, uint64_t(width) * height * 4, MemoryUsage::Upload, "RGBA8 pixel staging");
      ImageSource src;
      src.view = path.image->view();
      src.width = width;
      src.height = height;
      src.format = VK_FORMAT_R8G8B8A8_UNORM;
      RecordSteps s;
      s.pixelImage = path.image.get();
      s.pixelStaging = &path.staging;
      s.image = &src;
      s.toHost = true;
      s.download = true;
      path.cmd = recordOnce(0, s);
    }
    std::memcpy(path.staging.mapped(), rgba, size_t(width) * height * 4);
    return submitAndRead(path.cmd->handle(), "inference from pixels");
  }
};

Network::Network(Context& context, const Model& model, const NetworkOptions& options) {
  if (options.batch <= 0) throw Error(ErrorCode::InvalidArgument, "batch size must be positive, got " + std::to_string(options.batch));
  impl_ = std::make_unique<Impl>(InternalAccess::gpu(context), model, options);
}

Network::~Network() = default;

HostTensor Network::run(const HostTensor& input) { return impl_->run(input); }

HostTensor Network::layerOutput(size_t i) const {
  if (!impl_->options.keepLayerOutputs) throw Error(ErrorCode::InvalidArgument, "layerOutput() needs a Network made with keepLayerOutputs");
  if (i >= impl_->layers()) throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(i) + " does not exist");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const Shape& s = impl_->plan.shapes[i + 1];
  std::vector<uint8_t> out(impl_->plan.bytes[i + 1]);
  impl_->gpu.download(impl_->frames[0].arena, out.data(), out.size(), impl_->plan.offsets[i + 1]);
  return impl_->fromDevice(out, s);
}

size_t Network::layerCount() const { return impl_->layers(); }
int Network::framesInFlight() const { return int(impl_->frames.size()); }

RunTimings Network::lastTimings() const {
  if (!impl_->timestamps) throw Error(ErrorCode::InvalidArgument, "lastTimings() needs a Network made with profile");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto ns = impl_->timestamps->readNs();
  RunTimings t;
  t.gpuMs = ns.back() / 1e6;
  for (size_t i = 1; i < ns.size(); ++i) t.layerMs.push_back((ns[i] - ns[i - 1]) / 1e6);
  return t;
}

Shape Network::inputShape() const { return impl_->plan.inputShape(); }
Shape Network::outputShape() const { return impl_->plan.outputShape(); }
uint64_t Network::activationBytes() const { return impl_->frames[0].arena.size() * impl_->frames.size(); }
uint64_t Network::stagingBytes() const {
  uint64_t bytes = impl_->inStaging.size();
  for (const auto& f : impl_->frames) bytes += f.readback.size();
  return bytes;
}
size_t Network::barrierCount() const { return impl_->plan.barriers; }

uint64_t Network::weightBytes() const {
  uint64_t total = 0;
  for (const auto& op : impl_->frames[0].ops)
    if (auto* w = dynamic_cast<const WeightedOp*>(op.get())) total += w->weightBytes();
  return total;
}

namespace {
void checkFrame(int frame, size_t frames) {
  if (frame < 0 || size_t(frame) >= frames)
    throw Error(ErrorCode::InvalidArgument, "frame " + std::to_string(frame) + " outside the network's " + std::to_string(frames) + " frames in flight");
}
}  // namespace

void Network::recordImageInput(VkCommandBuffer cmd, const ImageSource& image, int batchIndex, int frame) {
  if (!cmd) throw Error(ErrorCode::InvalidArgument, "recordImageInput: no command buffer");
  checkFrame(frame, impl_->frames.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl::RecordSteps s;
  s.image = &image;
  s.batchIndex = batchIndex;
  s.dispatches = false;
  impl_->recordFrame(cmd, size_t(frame), s);
}

void Network::record(VkCommandBuffer cmd, int frame) {
  if (!cmd) throw Error(ErrorCode::InvalidArgument, "record: no command buffer");
  checkFrame(frame, impl_->frames.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->recordFrame(cmd, size_t(frame), Impl::RecordSteps{});
}

DeviceTensor Network::inputTensor(int frame) const {
  checkFrame(frame, impl_->frames.size());
  const auto v = impl_->view(size_t(frame), 0);
  return {v.buffer->handle(), v.offset, v.size, impl_->plan.inputShape(), impl_->options.precision};
}

DeviceTensor Network::outputTensor(int frame) const {
  checkFrame(frame, impl_->frames.size());
  const auto v = impl_->view(size_t(frame), impl_->plan.shapes.size() - 1);
  return {v.buffer->handle(), v.offset, v.size, impl_->plan.outputShape(), impl_->options.precision};
}

HostTensor Network::readOutput(int frame) const {
  checkFrame(frame, impl_->frames.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->readFrameOutput(size_t(frame));
}

void Network::submitImage(const ImageSource& image, int frame, VkSemaphore wait, VkPipelineStageFlags waitStage,
                          VkSemaphore signal, VkFence fence) {
  checkFrame(frame, impl_->frames.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& f = impl_->frames[size_t(frame)];
  if (!f.submitCmd) f.submitCmd = std::make_unique<CommandBuffer>(impl_->gpu);
  {
    auto poolLock = impl_->gpu.lockCommandPool();
    f.submitCmd->begin(true);
    Impl::RecordSteps s;
    s.image = &image;
    s.toHost = true;  // the host reads the output after `fence`
    impl_->recordFrame(f.submitCmd->handle(), size_t(frame), s);
    f.submitCmd->end();
  }
  impl_->gpu.submit(f.submitCmd->handle(), wait, waitStage, signal, fence, "submitImage");
}

void Network::forgetImageView(VkImageView view) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  for (auto& f : impl_->frames)
    if (f.imageInput) f.imageInput->forget(view);
}

HostTensor Network::runPixels(const uint8_t* rgba, uint32_t width, uint32_t height) {
  return impl_->runPixels(rgba, width, height);
}

}  // namespace mobilevk
