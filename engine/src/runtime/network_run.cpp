// Runs from the host: a tensor (run), pixels through the GPU resize (runPixels, with its cache of
// recorded paths per frame size), and reading a frame's output.
#include "mobilevk/error.h"
#include "cpu/reference.h"
#include "runtime/network_impl.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace mobilevk {

std::vector<HostTensor> Network::Impl::readFrameOutputs(size_t frame) const {
  const Frame& fr = frames.at(frame);
  if (fr.readbackCmd) {
    fence->reset();
    gpu.submit(fr.readbackCmd->handle(), fence->handle(), "output readback");
    fence->wait("output readback");
  }
  return readOutputs(frame);
}

ValueId Network::Impl::outputValue(size_t i) const {
  if (i >= outputs.size())
    throw Error(ErrorCode::InvalidArgument, "output " + std::to_string(i) + " does not exist: the network has " +
                std::to_string(outputs.size()) + " output" + (outputs.size() == 1 ? "" : "s"));
  return outputs[i];
}

HostTensor Network::Impl::readDeviceOutput(size_t frame, size_t k) const {
  const ValueId v = plan.outputs.at(k);
  const Frame& fr = frames.at(frame);
  std::vector<uint8_t> out(plan.bytes.at(size_t(v)));
  if (!fr.readbacks.empty()) std::memcpy(out.data(), fr.readbacks.at(k).mapped(), out.size());
  else gpu.download(fr.arena, out.data(), out.size(), plan.offsets.at(size_t(v)));
  return fromDevice(out, v);
}

HostTensor Network::Impl::readOutput(size_t frame, size_t i) const {
  const int k = deviceOutput(outputValue(i));
  return k >= 0 ? readDeviceOutput(frame, size_t(k)) : readOutputs(frame).at(i);
}

HostTensor Network::Impl::readValue(ValueId v) const {
  std::vector<uint8_t> out(plan.bytes.at(size_t(v)));
  gpu.download(frames[0].arena, out.data(), out.size(), plan.offsets.at(size_t(v)));
  return fromDevice(out, v);
}

std::vector<HostTensor> Network::Impl::readOutputs(size_t frame) const {
  const std::vector<HostTensor> values = readWithHostTail(frame);
  std::vector<HostTensor> outs;
  for (ValueId v : outputs) outs.push_back(values[size_t(v)]);
  return outs;
}

std::vector<HostTensor> Network::Impl::readWithHostTail(size_t frame) const {
  std::vector<HostTensor> values(withHostTail ? withHostTail->values.size() : exec->values.size());
  for (size_t k = 0; k < plan.outputs.size(); ++k) values[size_t(plan.outputs[k])] = readDeviceOutput(frame, k);
  if (withHostTail) {
    const auto start = std::chrono::steady_clock::now();
    runHostNodes(*withHostTail, values);
    hostMilliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  return values;
}

std::vector<HostTensor> Network::Impl::run(const HostTensor& input) {
  if (input.shape != plan.inputShape())
    throw Error(ErrorCode::InvalidArgument, "input of shape " + input.shape.str() + " does not match the network's " + plan.inputShape().str());
  if (input.data.size() != input.shape.elements())
    throw Error(ErrorCode::InvalidArgument, "input tensor holds " + std::to_string(input.data.size()) + " floats, its shape needs " +
                std::to_string(input.shape.elements()));
  std::lock_guard<std::mutex> lock(mutex);
  const auto in = toDevice(input);
  if (inStaging) std::memcpy(inStaging.mapped(), in.data(), in.size());
  else gpu.upload(frames[0].arena, in.data(), in.size(), plan.offsets.at(size_t(plan.input)));
  return submitAndRead(cmd->handle(), "inference");
}

std::vector<HostTensor> Network::Impl::submitAndRead(VkCommandBuffer c, const char* what) {
  fence->reset();
  gpu.submit(c, fence->handle(), what);
  fence->wait(what);
  return readOutputs(0);
}

std::vector<HostTensor> Network::Impl::runPixels(const uint8_t* rgba, uint32_t width, uint32_t height) {
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

}  // namespace mobilevk
