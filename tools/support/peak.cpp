#include "peak.h"

#include "shader_names.h"
#include "internal_access.h"

#include <algorithm>

#include "vulkan/command.h"
#include "vulkan/gpu.h"
#include "vulkan/query.h"

namespace mobilevk {

namespace {

// Best of a few timed runs of one dispatch, in seconds.
double timeDispatch(Gpu& gpu, const ComputePipeline& pipeline, const std::vector<BufferView>& buffers, int32_t push,
                    uint32_t invocations) {
  DescriptorSet set(gpu, pipeline, buffers);
  TimestampPool ts(gpu, 2);
  double best = 1e30;
  for (int rep = 0; rep < 4; ++rep) {
    gpu.runAndWait(
        [&](VkCommandBuffer cmd) {
          ts.reset(cmd);
          ts.write(cmd, 0);
          const uint32_t inv[3] = {invocations, 1, 1};
          recordDispatch(cmd, pipeline, set, &push, sizeof(push), inv);
          ts.write(cmd, 1);
        },
        "peak measurement");
    if (rep > 0) best = std::min(best, ts.readNs()[1] * 1e-9);  // the first run warms caches and threads
  }
  return best;
}

}  // namespace

PeakRates measurePeak(Context& context) {
  Gpu& gpu = InternalAccess::gpu(context);
  PeakRates r;
  const uint32_t local = 64;
  // Enough workgroups to fill a large GPU several times over; a CPU driver spreads them on its threads.
  const uint32_t invocations = std::min<uint32_t>(local * 4096, local * gpu.info().caps.maxWorkgroupCount[0]);
  Buffer sink(gpu, invocations * sizeof(float), MemoryUsage::Device, "peak measurement output");
  const int32_t iterations = gpu.info().type == "cpu" ? 256 : 4096;
  {
    auto p = gpu.pipeline({shader::peak_fma, 1, sizeof(int32_t), {local, 1, 1}});
    const double s = timeDispatch(gpu, *p, {sink}, iterations, invocations);
    r.fp32Gflops = 2.0 * 10.0 * iterations * invocations / s / 1e9;
  }
  if (gpu.info().caps.float16Arithmetic) {
    auto p = gpu.pipeline({shader::peak_fma16, 1, sizeof(int32_t), {local, 1, 1}});
    const double s = timeDispatch(gpu, *p, {sink}, iterations, invocations);
    r.fp16Gflops = 2.0 * 20.0 * iterations * invocations / s / 1e9;
  }
  {
    const uint64_t bytes = std::min<uint64_t>(32ull << 20, gpu.info().caps.maxStorageBufferRange);
    Buffer src(gpu, bytes, MemoryUsage::Device, "bandwidth source");
    Buffer dst(gpu, bytes, MemoryUsage::Device, "bandwidth destination");
    auto p = gpu.pipeline({shader::peak_copy, 2, sizeof(int32_t), {local, 1, 1}});
    const uint32_t count = uint32_t(bytes / 16);
    const double s = timeDispatch(gpu, *p, {src, dst}, int32_t(count), count);
    r.bandwidthGBs = 2.0 * double(bytes) / s / 1e9;
  }
  return r;
}

}  // namespace mobilevk
