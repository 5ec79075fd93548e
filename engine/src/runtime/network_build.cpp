// Making a Network (plan, weights in one upload, ops bound per frame from the plan's steps) and
// recording it: every path goes through recordFrame.
#include "internal_access.h"
#include "graph/builder.h"
#include "graph/passes.h"
#include "mobilevk/error.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"
#include "mobilevk/reference.h"
#include "runtime/network_impl.h"

#include <algorithm>

#include "runtime/tuning_cache.h"

namespace mobilevk {

Network::Impl::Impl(std::shared_ptr<Gpu> g, const Model& m, const NetworkOptions& o)
    : gpuOwner(std::move(g)), gpu(*gpuOwner), model(m), options(o), precision(o.precision) {
  const Graph& graph = InternalAccess::graph(model);
  integer = runsInteger(o, graph);
  if (integer) {
    if (!graph.integerExecutable())
      throw Error(ErrorCode::Unsupported, "integer execution: model '" + model.name() + "' " +
                  (graph.integerProblem.empty() ? "is not a quantized file with integers for every layer"
                                                : "cannot run in integers: " + graph.integerProblem) +
                  "; use Execution::Float");
    const DeviceCapabilities& caps = gpu.info().caps;
    if (o.dotProduct == NetworkOptions::DotProduct::Packed && !caps.integerDotProduct)
      throw Error(ErrorCode::Unsupported, "packed 8-bit dot products: " + gpu.describe() +
                  " has no shaderIntegerDotProduct (VK_KHR_shader_integer_dot_product" +
                  (gpu.ownsDevice() ? "" : ", or the host did not enable it") +
                  "); use the plain inner product (--dot-product plain or auto; DotProduct::Plain or Auto)");
    innerProduct = o.dotProduct == NetworkOptions::DotProduct::Packed ||
                           (o.dotProduct == NetworkOptions::DotProduct::Auto && caps.integerDotProduct)
                       ? InnerProduct::PackedDot
                       : InnerProduct::Plain;
  }
  if (!options.tuningCache.empty())
    tuning = parseTuningCache(options.tuningCache, gpu.info(), [&](const std::string& m) { gpu.log(LogLevel::Warning, m); });
  choosePrecision(graph);
  chooseKernelVariants(graph);  // also runs the fusion passes: `exec`
  splitHostTail();
  if (integer)
    for (const auto& v : exec->values) quants.push_back(v.quant ? *v.quant : TensorQuant{});  // host outputs are floats
  const uint64_t align = std::max<uint64_t>(gpu.info().caps.minStorageBufferOffsetAlignment, 16);
  plan = planExecution(*exec, o.batch, precision, integer, o.keepLayerOutputs, align);
  checkTensorsFitDevice(*exec);
  if (o.framesInFlight < 1 || o.framesInFlight > 16)
    throw Error(ErrorCode::InvalidArgument, "framesInFlight must be in [1, 16], got " + std::to_string(o.framesInFlight));
  // Each weighted layer's weights, packed and uploaded once (one submission), shared by the frames.
  std::vector<std::vector<std::shared_ptr<const PackedWeights>>> weights(exec->nodes.size());
  std::vector<std::shared_ptr<const IntegerWeights>> integerWeights(exec->nodes.size());
  Gpu::UploadBatch uploads(gpu);
  for (size_t i = 0; i < exec->nodes.size(); ++i) {
    const Node& n = exec->nodes[i];
    if (!hasWeights(n.kind)) continue;
    if (integer) {
      integerWeights[i] = IntegerWeights::create(gpu, n, uploads, innerProduct);
      continue;
    }
    weights[i].push_back(PackedWeights::create(gpu, n.conv(), convKindOf(n.kind), precision, uploads));
    if (n.kind == NodeKind::DepthwisePointwiseConv)
      weights[i].push_back(PackedWeights::create(gpu, n.second->pointwise, ConvKind::Pointwise, precision, uploads));
  }
  uploads.flush();
  frames.resize(size_t(o.framesInFlight));
  for (size_t f = 0; f < frames.size(); ++f) {
    frames[f].arena = Buffer(gpu, plan.arenaBytes, MemoryUsage::Device,
                             "activations of " + model.name() + " (batch " + std::to_string(o.batch) + ", frame " +
                                 std::to_string(f) + ")",
                             false);
    for (size_t i = 0; i < exec->nodes.size(); ++i) {
      const PlannedStep& step = plan.steps[i];
      const Node& node = exec->nodes[i];
      OpBinding binding{view(f, node.inputs.at(0)), view(f, node.outputs.at(0)), step.inputShapes.at(0), step.output, step.window, {}, {}};
      for (size_t k = 1; k < node.inputs.size(); ++k) {
        binding.moreInputs.push_back(view(f, node.inputs[k]));
        binding.moreInputShapes.push_back(step.inputShapes[k]);
      }
      GpuOpRequest request{node};
      request.integer = integer;
      request.precision = precision;
      request.weights = weights[i];
      request.integerWeights = integerWeights[i];
      request.variant = variants[i];
      frames[f].ops.push_back(makeGpuOp(gpu, request));
      frames[f].ops[i]->bind(binding);
    }
  }
  if (gpu.usesStaging()) {
    inStaging = Buffer(gpu, plan.bytes.at(size_t(plan.input)), MemoryUsage::Upload, "input staging");
    for (size_t f = 0; f < frames.size(); ++f)
      for (size_t i = 0; i < plan.outputs.size(); ++i)
        frames[f].readbacks.push_back(Buffer(gpu, plan.bytes.at(size_t(plan.outputs[i])), MemoryUsage::Readback,
                                             "readback of output " + std::to_string(i) + " of frame " + std::to_string(f)));
  }
  if (options.profile) timestamps = std::make_unique<TimestampPool>(gpu, uint32_t(exec->nodes.size() + 1));
  record();
  recordReadbacks();
  fence = std::make_unique<Fence>(gpu);
}

void Network::Impl::splitHostTail() {
  const Graph& whole = *exec;
  shapes = whole.inferShapes(options.batch);
  outputs = whole.outputs;
  size_t firstHost = whole.nodes.size();
  for (size_t i = 0; i < whole.nodes.size(); ++i)
    if (whole.runsOnHost(NodeId(i))) {
      firstHost = i;
      break;
    }
  if (firstHost == whole.nodes.size()) return;
  if (firstHost == 0) throw Error(ErrorCode::InvalidModel, "model '" + model.name() + "' has no layer that runs on the device");
  withHostTail = execOwner ? execOwner : std::shared_ptr<const Graph>(std::shared_ptr<const Graph>{}, &whole);
  auto device = std::make_shared<Graph>(whole);
  device->nodes.resize(firstHost);
  device->outputs.clear();
  auto addOutput = [&](ValueId v) {
    if (std::find(device->outputs.begin(), device->outputs.end(), v) == device->outputs.end()) device->outputs.push_back(v);
  };
  for (ValueId v : whole.outputs)
    if (whole.values[size_t(v)].producer < NodeId(firstHost)) addOutput(v);
  for (size_t i = firstHost; i < whole.nodes.size(); ++i) {
    if (!whole.runsOnHost(NodeId(i)))
      throw Error(ErrorCode::InvalidModel, "model '" + model.name() + "': '" + whole.nodes[i].name +
                  "' runs on the device after a host node; host nodes must come last");
    for (ValueId v : whole.nodes[i].inputs)
      if (whole.values[size_t(v)].producer < NodeId(firstHost)) addOutput(v);
  }
  for (size_t v = 0; v < device->values.size(); ++v) {
    Value& value = device->values[v];
    if (value.producer >= NodeId(firstHost)) value.producer = -1;  // computed on the host: no device tensor
    value.graphOutput = std::find(device->outputs.begin(), device->outputs.end(), ValueId(v)) != device->outputs.end();
  }
  linkConsumers(*device);
  execOwner = device;
  exec = device.get();
  variants.resize(firstHost);
}

int Network::Impl::deviceOutput(ValueId v) const {
  const auto it = std::find(plan.outputs.begin(), plan.outputs.end(), v);
  return it == plan.outputs.end() ? -1 : int(it - plan.outputs.begin());
}

void Network::Impl::checkTensorsFitDevice(const Graph& graph) const {
  const uint64_t range = gpu.info().caps.maxStorageBufferRange;
  const auto& shapes = plan.shapes;
  for (size_t t = 0; t < shapes.size(); ++t) {
    if (plan.bytes[t] <= range) continue;
    const NodeId producer = graph.values[t].producer;
    const std::string what = producer < 0 ? "the input" : "the output of '" + graph.nodes[size_t(producer)].name + "'";
    const std::string advice =
        options.batch == 1 ? "the input resolution " + std::to_string(shapes[0].h) + "x" + std::to_string(shapes[0].w) +
                                 " is too large for this device"
                           : "use a smaller batch (now " + std::to_string(options.batch) + ") or input resolution";
    throw Error(ErrorCode::Unsupported, model.name() + ": " + what + " (" + shapes[t].str() + ") needs " + byteCount(plan.bytes[t]) +
                ", over this device's maxStorageBufferRange of " + byteCount(range) + "; " + advice);
  }
}

void Network::Impl::recordFrame(VkCommandBuffer c, size_t frame, const RecordSteps& s) {
  const VulkanFunctions& vk = gpu.vk();
  if (s.timestamps) s.timestamps->reset(c);
  if (s.hostInput) {
    VkBufferCopy region{0, plan.offsets.at(size_t(plan.input)), s.hostInput->size()};
    vk.CmdCopyBuffer(c, s.hostInput->handle(), frames.at(frame).arena.handle(), 1, &region);
    transferToComputeBarrier(vk, c);
  }
  if (s.pixelImage) s.pixelImage->recordUpload(c, s.pixelStaging->handle());
  if (s.image) recordImage(c, *s.image, s.batchIndex, frame);
  if (s.dispatches) recordDispatches(c, s.timestamps, frame);
  if (s.toHost) recordOutputCopy(c, s.download, frame);
}

std::unique_ptr<CommandBuffer> Network::Impl::recordOnce(size_t frame, const RecordSteps& steps) {
  auto recorded = std::make_unique<CommandBuffer>(gpu);
  auto poolLock = gpu.lockCommandPool();
  recorded->begin(false);
  recordFrame(recorded->handle(), frame, steps);
  recorded->end();
  return recorded;
}

void Network::Impl::record() {
  RecordSteps s;
  s.hostInput = inStaging ? &inStaging : nullptr;
  s.timestamps = timestamps.get();
  s.toHost = true;
  s.download = true;
  cmd = recordOnce(0, s);
}

void Network::Impl::recordDispatches(VkCommandBuffer c, const TimestampPool* ts, size_t frame) const {
  const VulkanFunctions& vk = gpu.vk();
  const auto& ops = frames.at(frame).ops;
  if (ts) ts->write(c, 0);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (plan.steps[i].barrierBefore) computeToComputeBarrier(vk, c);
    if (!plan.steps[i].view) ops[i]->record(c);  // a view's output already holds its bytes
    if (ts) ts->write(c, uint32_t(i + 1));
  }
}

void Network::Impl::recordOutputCopy(VkCommandBuffer c, bool download, size_t frame) const {
  const VulkanFunctions& vk = gpu.vk();
  const Frame& fr = frames.at(frame);
  if (download && !fr.readbacks.empty()) {
    computeToTransferBarrier(vk, c);
    for (size_t i = 0; i < fr.readbacks.size(); ++i) {
      VkBufferCopy region{plan.offsets.at(size_t(plan.outputs[i])), 0, fr.readbacks[i].size()};
      vk.CmdCopyBuffer(c, fr.arena.handle(), fr.readbacks[i].handle(), 1, &region);
    }
  }
  anyToHostBarrier(vk, c);
}

void Network::Impl::recordReadbacks() {
  for (size_t f = 0; f < frames.size(); ++f) {
    if (frames[f].readbacks.empty()) continue;  // host-visible: readOutput copies from the arena
    RecordSteps s;
    s.dispatches = false;
    s.toHost = true;
    s.download = true;
    frames[f].readbackCmd = recordOnce(f, s);
  }
}

ImageInput& Network::Impl::images(size_t frame) {
  auto& in = frames.at(frame).imageInput;
  if (!in) in = integer ? std::make_unique<ImageInput>(gpu, quants.at(size_t(plan.input))) : std::make_unique<ImageInput>(gpu, precision);
  return *in;
}

void Network::Impl::recordImage(VkCommandBuffer c, const ImageSource& src, int batchIndex, size_t frame) {
  images(frame).record(c, src.view, src.layout, src.width, src.height, src.format,
                       {src.cropX, src.cropY, src.cropWidth, src.cropHeight}, model.input(), view(frame, plan.input),
                       plan.inputShape(), batchIndex);
}

std::vector<uint8_t> Network::Impl::toDevice(const HostTensor& t) const {
  if (!integer) return encodeStorage(packNC4HW4(t), precision);
  return packQuantizedNC4HW4(t.shape, quantizeInput(model, t), quants.at(size_t(plan.input)).zeroPoint);
}

HostTensor Network::Impl::fromDevice(const std::vector<uint8_t>& raw, ValueId value) const {
  const Shape& s = plan.shapes.at(size_t(value));
  if (!integer) return unpackNC4HW4(decodeStorage(raw, precision), s);
  const TensorQuant& q = quants.at(size_t(value));
  const std::vector<int32_t> values = unpackQuantizedNC4HW4(raw, s, q.type == QuantType::Int8);
  HostTensor real(s);
  for (size_t i = 0; i < values.size(); ++i) real.data[i] = q.scale * float(values[i] - q.zeroPoint);
  return real;
}

std::string Network::Impl::storageName() const {
  if (integer) return innerProduct == InnerProduct::PackedDot ? "int8-dot" : "int8";
  return precision == Precision::FP16 ? "fp16" : "fp32";
}

void Network::Impl::choosePrecision(const Graph& graph) {
  if (options.precisionPolicy != NetworkOptions::PrecisionPolicy::Auto) return;
  precision = Precision::FP32;
  if (integer) {
    precisionReason = "integer execution (8-bit tensors)";
    return;
  }
  if (!gpu.info().caps.storage16bit) {
    precisionReason = "fp32: the device has no 16-bit storage";
    return;
  }
  const auto found = tuning.precision.find(modelPrecisionKey(graph, options.batch));
  if (found == tuning.precision.end()) {
    precisionReason = options.tuningCache.empty()
                          ? "fp32: no tuning cache (fp16 runs only where `tune --precision auto` measured it)"
                          : "fp32: the tuning cache has no precision decision for this model and batch "
                            "(tune with --precision auto)";
    return;
  }
  precision = found->second.choice;
  precisionReason = (found->second.choice == Precision::FP16 ? "fp16: " : "fp32: ") + found->second.reason;
}

void Network::Impl::chooseKernelVariants(const Graph& graph) {
  const KernelPath path = integer ? KernelPath::Integer : KernelPath::Float;
  const TuningTable& table = tuning;
  const std::vector<Shape> shapes = graph.inferShapes(options.batch);
  tuningKeys.clear();
  fusionKeys.assign(graph.nodes.size(), "");
  for (const Node& node : graph.nodes)
    tuningKeys.push_back(layerTuningKey(node, shapes[size_t(node.inputs.at(0))], shapes[size_t(node.outputs.at(0))], path, storageName()));
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeId consumer = graph.soleConsumer(NodeId(i));
    if (graph.nodes[i].kind == NodeKind::DepthwiseConv && consumer >= 0 && graph.nodes[size_t(consumer)].kind == NodeKind::PointwiseConv)
      fusionKeys[i] = fusedPairTuningKey(tuningKeys[i], tuningKeys[size_t(consumer)]);
  }
  size_t covered = 0;
  const auto ignored = [&](const Node& node, const std::string& variant, const std::string& why) {
    gpu.log(LogLevel::Warning, "tuning cache: layer '" + node.name + "' variant '" + variant + "' ignored (" + why + "); the default runs");
  };
  // The depthwise + pointwise pairs the cache fuses: a decision of the pair, under its own key.
  std::vector<const KernelVariant*> fused(graph.nodes.size(), nullptr), own(graph.nodes.size(), nullptr);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto pair = fusionKeys[i].empty() ? table.layers.end() : table.layers.find(fusionKeys[i]);
    if (pair == table.layers.end()) continue;
    ++covered;
    const Node& node = graph.nodes[i];
    const KernelVariant* v = findKernelVariant(NodeKind::DepthwisePointwiseConv, path, pair->second.variant);
    const std::string why = !v ? "no fused variant of that name"
                            : !unsupportedReason(*v, gpu.info().caps, precision).empty() ? unsupportedReason(*v, gpu.info().caps, precision)
                            : options.keepLayerOutputs ? "keepLayerOutputs needs the depthwise output in memory"
                                                       : fusionProblem(graph, NodeId(i), shapes[size_t(node.outputs.at(0))]);
    if (why.empty()) fused[i] = v;
    else ignored(node, pair->second.variant, why);
  }
  // Each layer's own variant.
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    const auto tuned = table.layers.find(tuningKeys[i]);
    if (tuned == table.layers.end()) continue;  // the op takes the device's default
    ++covered;
    const KernelVariant* v = findKernelVariant(node.kind, path, tuned->second.variant);
    std::string why = v ? unsupportedReason(*v, gpu.info().caps, precision)
                      : findKernelVariant(NodeKind::DepthwisePointwiseConv, path, tuned->second.variant)
                          ? "a fused variant is decided for a depthwise + pointwise pair, under the key naming both layers"
                          : "no such variant";
    if (why.empty()) own[i] = v;
    else ignored(node, tuned->second.variant, why);
  }
  // The passes (graph/passes.h): not with keepLayerOutputs, which must keep every value readable.
  exec = &graph;
  execOwner.reset();
  if (!options.keepLayerOutputs) {
    if (std::any_of(fused.begin(), fused.end(), [](const KernelVariant* v) { return v != nullptr; }))
      execOwner = fuseDepthwisePointwise(graph, [&](NodeId dw, NodeId) { return fused[size_t(dw)] != nullptr; });
    execOwner = fuseResidualAdds(execOwner ? *execOwner : graph);
    exec = execOwner.get();
  }
  variants.clear();
  for (size_t e = 0; e < exec->nodes.size(); ++e) {
    const NodeId first = sourcesOf(*exec, NodeId(e)).front();
    variants.push_back(exec->nodes[e].kind == NodeKind::DepthwisePointwiseConv ? fused[size_t(first)] : own[size_t(first)]);
  }
  // A valid cache tuned for other shapes or storage (batch 1 when this runs batch 2, packed dot
  // products when this runs plain ones) silently changed nothing: say so.
  if (covered == 0 && !table.layers.empty())
    gpu.log(LogLevel::Warning, "tuning cache: none of its " + std::to_string(table.layers.size()) +
                                   " entries is for a layer of this network as it runs (batch " + std::to_string(options.batch) +
                                   ", " + storageName() + " tensors); tune for this configuration. Default kernel variants run");
}

}  // namespace mobilevk
