// mobilevk::Network's public methods: argument checks and locking around Network::Impl.
#include "mobilevk/network.h"
#include "internal_access.h"
#include "graph/passes.h"

#include <mutex>

#include "mobilevk/error.h"
#include "ops/integer_op.h"
#include "runtime/network_impl.h"

namespace mobilevk {
Network::Network(Context& context, const Model& model, const NetworkOptions& options) {
  if (options.batch <= 0) throw Error(ErrorCode::InvalidArgument, "batch size must be positive, got " + std::to_string(options.batch));
  impl_ = std::make_unique<Impl>(InternalAccess::sharedGpu(context), model, options);
}

Network::~Network() = default;

HostTensor Network::run(const HostTensor& input) { return impl_->run(input).at(0); }
std::vector<HostTensor> Network::runOutputs(const HostTensor& input) { return impl_->run(input); }

HostTensor Network::layerOutput(size_t i) const {
  if (!impl_->options.keepLayerOutputs) throw Error(ErrorCode::InvalidArgument, "layerOutput() needs a Network made with keepLayerOutputs");
  if (i >= impl_->layers()) throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(i) + " does not exist");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (i >= impl_->exec->nodes.size())  // a host node: run the host tail on frame 0's device outputs
    return impl_->readWithHostTail(0).at(size_t(impl_->withHostTail->outputOf(NodeId(i))));
  return impl_->readValue(impl_->exec->outputOf(NodeId(i)));  // keepLayerOutputs: nothing fused
}

HostTensor Network::layerOutput(const std::string& valueName) const {
  if (!impl_->options.keepLayerOutputs) throw Error(ErrorCode::InvalidArgument, "layerOutput() needs a Network made with keepLayerOutputs");
  const Graph& graph = impl_->withHostTail ? *impl_->withHostTail : *impl_->exec;
  for (size_t v = 0; v < graph.values.size(); ++v)
    if (graph.values[v].name == valueName) {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      const NodeId producer = graph.values[v].producer;
      if (producer >= NodeId(impl_->exec->nodes.size()))  // computed by the host tail
        return impl_->readWithHostTail(0).at(v);
      return impl_->readValue(ValueId(v));
    }
  throw Error(ErrorCode::InvalidArgument, "model '" + impl_->model.name() + "' has no tensor named '" + valueName + "'");
}

size_t Network::outputCount() const { return impl_->outputCount(); }

OutputInfo Network::outputInfo(size_t i) const {
  const ValueId v = impl_->outputValue(i);
  const Graph& graph = impl_->withHostTail ? *impl_->withHostTail : *impl_->exec;
  OutputInfo info;
  info.name = graph.values.at(size_t(v)).name;
  info.shape = impl_->shapes.at(size_t(v));
  info.indices = graph.holdsIndices(v);
  if (impl_->integer && impl_->deviceOutput(v) >= 0) {
    const TensorQuant& q = impl_->quants.at(size_t(v));
    info.quantized = true;
    info.quantization = {q.type == QuantType::Int8, q.scale, q.zeroPoint};
  }
  return info;
}

size_t Network::layerCount() const { return impl_->layers(); }
bool Network::integerExecution() const { return impl_->integer; }
std::vector<std::string> Network::kernelVariants() const {
  // Per layer of the Model: an executed node's variant for the first layer it does the work of,
  // "fused" for the others.
  std::vector<std::string> out(impl_->layers());
  const auto& ops = impl_->frames.front().ops;
  for (size_t e = 0; e < ops.size(); ++e) {
    const auto sources = sourcesOf(*impl_->exec, NodeId(e));
    for (size_t k = 0; k < sources.size(); ++k)
      out.at(size_t(sources[k])) = k > 0 ? "fused" : ops[e]->variant() ? ops[e]->variant()->name : "";
  }
  return out;
}
Precision Network::precision() const { return impl_->precision; }
std::string Network::precisionReason() const { return impl_->precisionReason; }
bool Network::packedDotProduct() const { return impl_->integer && impl_->innerProduct == InnerProduct::PackedDot; }
int Network::framesInFlight() const { return int(impl_->frames.size()); }

RunTimings Network::lastTimings() const {
  if (!impl_->timestamps) throw Error(ErrorCode::InvalidArgument, "lastTimings() needs a Network made with profile");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto ns = impl_->timestamps->readNs();
  RunTimings t;
  t.gpuMs = ns.back() / 1e6;
  // An executed node's time goes to the first layer it does the work of; the others it fused take 0.
  t.layerMs.assign(impl_->layers(), 0.0);
  for (size_t i = 1; i < ns.size(); ++i) t.layerMs.at(size_t(sourcesOf(*impl_->exec, NodeId(i - 1)).front())) = (ns[i] - ns[i - 1]) / 1e6;
  return t;
}

Shape Network::inputShape() const { return impl_->plan.inputShape(); }
Shape Network::outputShape() const { return outputShape(size_t(0)); }
Shape Network::outputShape(size_t i) const { return impl_->shapes.at(size_t(impl_->outputValue(i))); }
uint64_t Network::activationBytes() const { return impl_->frames[0].arena.size() * impl_->frames.size(); }
uint64_t Network::stagingBytes() const {
  uint64_t bytes = impl_->inStaging.size();
  for (const auto& f : impl_->frames)
    for (const auto& r : f.readbacks) bytes += r.size();
  return bytes;
}
size_t Network::barrierCount() const { return impl_->plan.barriers; }

uint64_t Network::weightBytes() const {
  uint64_t total = 0;
  for (const auto& op : impl_->frames[0].ops)
    if (auto* w = dynamic_cast<const WeightedOp*>(op.get())) total += w->weightBytes();
    else if (auto* q = dynamic_cast<const IntegerWeightedOp*>(op.get())) total += q->weightBytes();
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

DeviceTensor Network::Impl::deviceTensor(size_t frame, ValueId value) const {
  const auto v = view(frame, value);
  DeviceTensor t{v.buffer->handle(), v.offset, v.size, plan.shapes.at(size_t(value)), precision};
  if (integer) {
    const TensorQuant& q = quants.at(size_t(value));
    t.quantized = true;
    t.quantization = {q.type == QuantType::Int8, q.scale, q.zeroPoint};
  }
  return t;
}

DeviceTensor Network::inputTensor(int frame) const {
  checkFrame(frame, impl_->frames.size());
  return impl_->deviceTensor(size_t(frame), impl_->plan.input);
}

DeviceTensor Network::outputTensor(int frame) const { return outputTensor(size_t(0), frame); }

DeviceTensor Network::outputTensor(size_t i, int frame) const {
  checkFrame(frame, impl_->frames.size());
  const ValueId v = impl_->outputValue(i);
  if (impl_->deviceOutput(v) < 0)
    throw Error(ErrorCode::InvalidArgument, "output " + std::to_string(i) + " ('" + impl_->withHostTail->values.at(size_t(v)).name +
                "') is computed on the host after the readback (the detection post-process): read it with readOutput, "
                "after the frame completes");
  return impl_->deviceTensor(size_t(frame), v);
}

HostTensor Network::readOutput(int frame) const { return readOutput(size_t(0), frame); }

HostTensor Network::readOutput(size_t i, int frame) const {
  checkFrame(frame, impl_->frames.size());
  impl_->outputValue(i);
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->readFrameOutputs(size_t(frame)).at(i);
}

std::vector<HostTensor> Network::readOutputs(int frame) const {
  checkFrame(frame, impl_->frames.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->readFrameOutputs(size_t(frame));
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
  return impl_->runPixels(rgba, width, height).at(0);
}

std::vector<HostTensor> Network::runPixelsOutputs(const uint8_t* rgba, uint32_t width, uint32_t height) {
  return impl_->runPixels(rgba, width, height);
}

}  // namespace mobilevk

namespace mobilevk {

namespace {
void requireDetector(const Model& model) {
  if (!model.isDetector())
    throw Error(ErrorCode::InvalidArgument, "model '" + model.name() + "' is not a detector (no TFLite_Detection_PostProcess)");
}
}  // namespace

std::vector<Detection> Network::detections(float scoreThreshold, int frame) const {
  requireDetector(impl_->model);
  return detectionsFromOutputs(readOutputs(frame), scoreThreshold);
}

std::vector<Detection> Network::detect(const uint8_t* rgba, uint32_t width, uint32_t height, float scoreThreshold) {
  requireDetector(impl_->model);
  return detectionsFromOutputs(runPixelsOutputs(rgba, width, height), scoreThreshold);
}

IndexTensor Network::readIndices(size_t i, int frame) const {
  if (!outputInfo(i).indices)
    throw Error(ErrorCode::InvalidArgument, "output " + std::to_string(i) + " ('" + outputInfo(i).name + "') of model '" + impl_->model.name() +
                "' holds no class indices (it is not computed by ARG_MAX): read it with readOutput");
  return indicesFromFloats(readOutput(i, frame));
}

namespace {
void requireSegmenter(const Model& model) {
  if (!model.isSegmenter())
    throw Error(ErrorCode::InvalidArgument, "model '" + model.name() + "' is not a segmenter (its output 0 is not ARG_MAX over channels)");
}
}  // namespace

IndexTensor Network::classMap(int frame) const {
  requireSegmenter(impl_->model);
  return readIndices(0, frame);
}

IndexTensor Network::segment(const uint8_t* rgba, uint32_t width, uint32_t height) {
  requireSegmenter(impl_->model);
  return indicesFromFloats(runPixels(rgba, width, height));
}

namespace {
void requirePoseEstimator(const Model& model) {
  if (!model.isPoseEstimator())
    throw Error(ErrorCode::InvalidArgument, "model '" + model.name() + "' is not a pose estimator (no PosenetDecoderOp)");
}
}  // namespace

std::vector<Pose> Network::poses(float scoreThreshold, int frame) const {
  requirePoseEstimator(impl_->model);
  const auto in = impl_->model.inputShape();
  return posesFromOutputs(readOutputs(frame), in.w, in.h, scoreThreshold);
}

std::vector<Pose> Network::estimatePoses(const uint8_t* rgba, uint32_t width, uint32_t height, float scoreThreshold) {
  requirePoseEstimator(impl_->model);
  const auto in = impl_->model.inputShape();
  return posesFromOutputs(runPixelsOutputs(rgba, width, height), in.w, in.h, scoreThreshold);
}

double Network::hostMilliseconds() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->hostMilliseconds;
}

}  // namespace mobilevk
