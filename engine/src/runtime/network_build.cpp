// Making a Network (plan, weights in one upload, ops bound per frame from the plan's steps) and
// recording it: every path goes through recordFrame.
#include "internal_access.h"
#include "mobilevk/error.h"
#include "ops/gpu_op_table.h"
#include "ops/depthwise_pointwise_conv.h"
#include "ops/pointwise_conv.h"
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
    for (const auto& v : graph.values) quants.push_back(*v.quant);
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
  chooseKernelVariants(graph);
  const uint64_t align = std::max<uint64_t>(gpu.info().caps.minStorageBufferOffsetAlignment, 16);
  plan = planExecution(graph, o.batch, precision, integer, o.keepLayerOutputs, align, fusedWith);
  checkTensorsFitDevice(graph);
  if (o.framesInFlight < 1 || o.framesInFlight > 16)
    throw Error(ErrorCode::InvalidArgument, "framesInFlight must be in [1, 16], got " + std::to_string(o.framesInFlight));
  std::vector<std::shared_ptr<const PackedWeights>> weights;
  std::vector<std::shared_ptr<const IntegerWeights>> integerWeights;
  Gpu::UploadBatch uploads(gpu);
  for (const auto& n : graph.nodes) {
    const bool packed = hasWeights(n.kind);
    weights.push_back(packed && !integer ? PackedWeights::create(gpu, n.conv, convKindOf(n.kind), precision, uploads)
                                         : nullptr);
    integerWeights.push_back(packed && integer ? IntegerWeights::create(gpu, n, uploads, innerProduct) : nullptr);
  }
  uploads.flush();  // every layer's weights in one submission
  frames.resize(size_t(o.framesInFlight));
  for (size_t f = 0; f < frames.size(); ++f) {
    frames[f].arena = Buffer(gpu, plan.arenaBytes, MemoryUsage::Device,
                             "activations of " + model.name() + " (batch " + std::to_string(o.batch) + ", frame " +
                                 std::to_string(f) + ")",
                             false);
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const PlannedStep& step = plan.steps[i];
      const Node& node = graph.nodes[i];
      OpBinding binding{view(f, node.inputs.at(0)), view(f, node.outputs.at(0)), step.inputShapes.at(0), step.output, step.window, {}, {}};
      for (size_t k = 1; k < node.inputs.size(); ++k) {
        binding.moreInputs.push_back(view(f, node.inputs[k]));
        binding.moreInputShapes.push_back(step.inputShapes[k]);
      }
      if (step.fusedWith >= 0) {  // this node and its consumer in one dispatch
        const size_t j = size_t(step.fusedWith);
        const Node& partner = graph.nodes[j];
        binding.output = view(f, partner.outputs.at(0));
        binding.outputShape = plan.steps[j].output;
        if (partner.kind == NodeKind::Add) {  // a pointwise conv and the residual ADD after it
          const ValueId skip = partner.inputs[0] == node.outputs.at(0) ? partner.inputs[1] : partner.inputs[0];
          binding.moreInputs = {view(f, skip)};
          binding.moreInputShapes = {plan.shapes[size_t(skip)]};
          frames[f].ops.push_back(integer ? makeIntegerPointwiseConv(gpu, node, integerWeights[i], variants[i], &partner)
                                          : std::make_unique<PointwiseConv>(gpu, weights[i], variants[i], partner.conv.activation));
        } else {
          frames[f].ops.push_back(std::make_unique<DepthwisePointwiseConv>(gpu, weights[i], weights[j], variants[i]));
        }
        frames[f].ops[i]->bind(binding);
        continue;
      }
      // A node fused into an earlier one keeps its op (its default variant, bound but never
      // recorded) so that every node has one.
      const KernelVariant* variant = step.fusedIntoEarlier ? nullptr : variants[i];
      frames[f].ops.push_back(integer ? makeIntegerGpuOp(gpu, node, integerWeights[i], variant)
                                      : makeGpuOp(gpu, node, precision, weights[i], variant));
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
  if (options.profile) timestamps = std::make_unique<TimestampPool>(gpu, uint32_t(graph.nodes.size() + 1));
  record();
  recordReadbacks();
  fence = std::make_unique<Fence>(gpu);
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
    if (!plan.steps[i].fusedIntoEarlier) ops[i]->record(c);
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

void Network::Impl::fuseResidualAdds(const Graph& graph, std::vector<bool>& fusedIntoEarlier) {
  // Always, where it applies: the ADD then costs no dispatch, barrier or memory pass of its own,
  // and its result is the unfused one (integers bit for bit; fp32 too, as the conv's output is
  // added before it would have been stored; fp16 storage skips one rounding of it).
  if (options.keepLayerOutputs) return;  // the conv's output must stay readable
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeId add = graph.soleConsumer(NodeId(i));
    if (graph.nodes[i].kind != NodeKind::PointwiseConv || add < 0 || graph.nodes[size_t(add)].kind != NodeKind::Add) continue;
    const Node& a = graph.nodes[size_t(add)];
    if (fusedIntoEarlier[i] || fusedWith[i] >= 0 || fusedIntoEarlier[size_t(add)] || a.inputs[0] == a.inputs[1]) continue;
    fusedWith[i] = add;
    fusedIntoEarlier[size_t(add)] = true;
  }
}

void Network::Impl::chooseKernelVariants(const Graph& graph) {
  const KernelPath path = integer ? KernelPath::Integer : KernelPath::Float;
  const TuningTable& table = tuning;
  const std::vector<Shape> shapes = graph.inferShapes(options.batch);
  variants.assign(graph.nodes.size(), nullptr);
  fusedWith.assign(graph.nodes.size(), -1);
  std::vector<bool> fusedIntoEarlier(graph.nodes.size(), false);
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
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    const Shape& out = shapes[size_t(node.outputs.at(0))];
    // A fusion is decided for the pair: looked up under the key naming both layers.
    const auto pair = fusionKeys[i].empty() ? table.layers.end() : table.layers.find(fusionKeys[i]);
    if (pair != table.layers.end()) {
      ++covered;
      const KernelVariant* v = findKernelVariant(node.kind, path, pair->second.variant);
      const NodeId consumer = graph.soleConsumer(NodeId(i));
      const std::string why = !v || v->build != KernelVariant::Build::FusedPointwise ? "no fused variant of that name"
                              : !unsupportedReason(*v, gpu.info().caps, precision).empty() ? unsupportedReason(*v, gpu.info().caps, precision)
                              : fusedIntoEarlier[i]                                      ? "its layer already runs fused into an earlier one"
                              : options.keepLayerOutputs ? "keepLayerOutputs needs the depthwise output in memory"
                                                         : fusionProblem(graph, NodeId(i), out);
      if (why.empty()) {
        variants[i] = v;
        fusedWith[i] = consumer;
        fusedIntoEarlier[size_t(consumer)] = true;
        continue;
      }
      ignored(node, pair->second.variant, why);
    }
    const auto tuned = table.layers.find(tuningKeys[i]);
    if (tuned == table.layers.end()) continue;  // the op takes the device's default
    ++covered;
    const KernelVariant* v = findKernelVariant(node.kind, path, tuned->second.variant);
    std::string why = !v ? "no such variant" : unsupportedReason(*v, gpu.info().caps, precision);
    if (why.empty() && v->build == KernelVariant::Build::FusedPointwise)
      why = "a fused variant is decided for a depthwise + pointwise pair, under the key naming both layers";
    if (why.empty()) variants[i] = v;
    else ignored(node, tuned->second.variant, why);
  }
  fuseResidualAdds(graph, fusedIntoEarlier);
  // A valid cache tuned for other shapes or storage (batch 1 when this runs batch 2, packed dot
  // products when this runs plain ones) silently changed nothing: say so.
  if (covered == 0 && !table.layers.empty())
    gpu.log(LogLevel::Warning, "tuning cache: none of its " + std::to_string(table.layers.size()) +
                                   " entries is for a layer of this network as it runs (batch " + std::to_string(options.batch) +
                                   ", " + storageName() + " tensors); tune for this configuration. Default kernel variants run");
}

}  // namespace mobilevk
