// mobilevk::Network's public methods: argument checks and locking around Network::Impl.
#include "mobilevk/network.h"
#include "internal_access.h"

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

HostTensor Network::run(const HostTensor& input) { return impl_->run(input); }

HostTensor Network::layerOutput(size_t i) const {
  if (!impl_->options.keepLayerOutputs) throw Error(ErrorCode::InvalidArgument, "layerOutput() needs a Network made with keepLayerOutputs");
  if (i >= impl_->layers()) throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(i) + " does not exist");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<uint8_t> out(impl_->plan.bytes[i + 1]);
  impl_->gpu.download(impl_->frames[0].arena, out.data(), out.size(), impl_->plan.offsets[i + 1]);
  return impl_->fromDevice(out, i + 1);
}

size_t Network::layerCount() const { return impl_->layers(); }
bool Network::integerExecution() const { return impl_->integer; }
std::vector<std::string> Network::kernelVariants() const {
  std::vector<std::string> out;
  const auto& ops = impl_->frames.front().ops;
  for (size_t i = 0; i < ops.size(); ++i)
    out.push_back(impl_->plan.steps[i].fusedIntoPrevious ? "fused" : ops[i]->variant() ? ops[i]->variant()->name : "");
  return out;
}
Precision Network::precision() const { return impl_->options.precision; }
std::string Network::precisionReason() const { return impl_->precisionReason; }
bool Network::packedDotProduct() const { return impl_->integer && impl_->innerProduct == InnerProduct::PackedDot; }
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

DeviceTensor Network::Impl::deviceTensor(size_t frame, size_t tensor) const {
  const auto v = view(frame, tensor);
  DeviceTensor t{v.buffer->handle(), v.offset, v.size, plan.shapes.at(tensor), options.precision};
  if (integer) {
    const TensorQuant& q = quants.at(tensor);
    t.quantized = true;
    t.quantization = {q.type == QuantType::Int8, q.scale, q.zeroPoint};
  }
  return t;
}

DeviceTensor Network::inputTensor(int frame) const {
  checkFrame(frame, impl_->frames.size());
  return impl_->deviceTensor(size_t(frame), 0);
}

DeviceTensor Network::outputTensor(int frame) const {
  checkFrame(frame, impl_->frames.size());
  return impl_->deviceTensor(size_t(frame), impl_->plan.shapes.size() - 1);
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
