// mobilevk bench: replays a network's recorded command buffer and reports GPU time (timestamps),
// host end-to-end time (upload + dispatches + download), throughput, and per-layer GPU time as a
// share of the total and as achieved GFLOP/s or GB/s. --peak measures the device's own FMA rate and
// memory bandwidth for scale.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

#include "cli_util.h"
#include "mobilevk/error.h"
#include "commands.h"
#include "mobilevk/context.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "peak.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The process's resident set (Linux /proc/self/statm), 0 where it cannot be read.
uint64_t residentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long pages = 0, resident = 0;
  const bool ok = std::fscanf(f, "%llu %llu", &pages, &resident) == 2;
  std::fclose(f);
  return ok ? uint64_t(resident) * uint64_t(sysconf(_SC_PAGESIZE)) : 0;
}

struct Stats {
  double min = 0, median = 0, p90 = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  s.p90 = v[std::min(v.size() - 1, size_t(0.9 * double(v.size() - 1) + 0.5))];
  return s;
}

json statsJson(const Stats& s) { return {{"min", s.min}, {"median", s.median}, {"p90", s.p90}}; }

// Bytes a layer must move at least once: its input, its output and its weights.
double layerBytes(const mobilevk::LayerSummary& l, const mobilevk::Shape& in, int batch) {
  mobilevk::Shape out = l.outputShape;
  out.n = batch;
  return 4.0 * (double(in.elements()) * batch / std::max(in.n, 1) + double(out.elements()) + double(l.params));
}

int runPeak(const cli::Args& args) {
  const auto context = cli::contextFor(args, false);
  mobilevk::Context& ctx = *context;
  const auto p = mobilevk::measurePeak(ctx);
  if (args.has("json")) {
    json out = {{"device", ctx.device().name}, {"fp32_gflops", p.fp32Gflops}, {"bandwidth_gbs", p.bandwidthGBs}};
    out["fp16_gflops"] = p.fp16Gflops > 0 ? json(p.fp16Gflops) : json(nullptr);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("device %s\n  fp32 FMA rate     %8.1f GFLOP/s\n", ctx.device().name.c_str(), p.fp32Gflops);
  if (p.fp16Gflops > 0) std::printf("  fp16 FMA rate     %8.1f GFLOP/s\n", p.fp16Gflops);
  else std::printf("  fp16 FMA rate     (no fp16 arithmetic on this device)\n");
  std::printf("  memory bandwidth  %8.1f GB/s (read + write)\n", p.bandwidthGBs);
  return 0;
}

}  // namespace

int cmdBench(const std::vector<std::string>& argv) {
  cli::Args args("bench", argv,
                 {"model", "architecture", "alpha", "resolution", "classes", "batch", "iterations", "warmup", "device", "device-profile", "precision",
                  "pipeline-cache", "execution", "dot-product", "tuning-cache"},
                 {"per-layer", "json", "peak"});
  if (!args.positional().empty()) throw cli::UsageError{"unexpected argument '" + args.positional()[0] + "'"};
  if (args.has("peak")) return runPeak(args);
  const int batch = args.intValue("batch", 1, 1, 4096);
  const int iterations = args.intValue("iterations", 20, 1, 1000000);
  const int warmup = args.intValue("warmup", 3, 0, 1000000);
  const std::string precisionArg = args.value("precision", "fp32");
  mobilevk::Model model = cli::modelOption(args);
  const auto layers = model.layers();
  const double flops = 2.0 * double(model.totalMacs()) * batch;
  const bool integer = cli::integerExecution(args, model);
  const auto dotProduct = cli::dotProductOption(args);

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  mobilevk::HostTensor input(model.inputShape(batch));
  for (auto& v : input.data) v = dist(rng);

  const auto setupStart = Clock::now();
  const std::unique_ptr<mobilevk::Context> ctx = cli::contextFor(args, true);
  const bool onCpu = !ctx;
  const std::string deviceName = ctx ? ctx->device().name : integer ? "CPU integer twin" : "CPU reference";
  std::unique_ptr<mobilevk::Network> net;
  // The process's resident memory before and after making the network: what the network holds on
  // the host (its objects, the driver's pipelines; on a CPU driver its device memory too).
  const uint64_t rssBefore = residentBytes();
  if (!onCpu) {
    mobilevk::NetworkOptions no;
    no.batch = batch;
    no.profile = ctx->device().caps.timestamps;
    cli::precisionOption(args, no);
    no.execution = cli::executionOption(integer);
    no.dotProduct = dotProduct;
    no.tuningCache = cli::tuningCacheOption(args);
    net = std::make_unique<mobilevk::Network>(*ctx, model, no);
  } else if (precisionArg == "fp16") {
    throw cli::UsageError{"the CPU reference path computes in fp32/fp64 only"};
  }
  if (args.has("per-layer") && (!ctx || !ctx->device().caps.timestamps))
    throw mobilevk::Error(mobilevk::ErrorCode::Unsupported,
                          "--per-layer needs GPU timestamps, and " +
                              (ctx ? (ctx->device().caps.profile.empty() ? "device " + ctx->device().name
                                                                         : "device profile '" + ctx->device().caps.profile + "'") +
                                         " has none on its compute queue"
                                   : std::string("the CPU reference path (--device cpu) has none")) +
                              "; run without --per-layer for whole-network times");
  const uint64_t hostBytes = residentBytes() > rssBefore ? residentBytes() - rssBefore : 0;
  const std::string precision = net ? cli::precisionName(*net) : integer ? "int8" : "fp32";
  // Context + pipelines + recording: what a pipeline cache shortens on the second start.
  const double setupMs = std::chrono::duration<double, std::milli>(Clock::now() - setupStart).count();
  cli::savePipelineCache(args, ctx.get());

  const std::string execution = cli::executionDescription(net.get(), integer);
  const bool showProgress = isatty(STDERR_FILENO) && !args.has("json");
  std::vector<double> hostMs, gpuMs, postMs;  // postMs: the host part (a detector's post-process, a pose decoder)
  std::vector<std::vector<double>> layerMs(layers.size());
  const auto benchStart = Clock::now();
  for (int it = -warmup; it < iterations; ++it) {
    const auto t0 = Clock::now();
    if (onCpu && integer) mobilevk::runIntegerReference(model, input);
    else if (onCpu) mobilevk::runReference(model, input);
    else net->run(input);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (it < 0) continue;
    hostMs.push_back(ms);
    if (net && (model.isDetector() || model.isPoseEstimator())) postMs.push_back(net->hostMilliseconds());
    if (net && ctx->device().caps.timestamps) {
      const auto t = net->lastTimings();
      gpuMs.push_back(t.gpuMs);
      for (size_t l = 0; l < layers.size(); ++l) layerMs[l].push_back(t.layerMs[l]);
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - benchStart).count();
    if (showProgress && elapsed > 2.0) std::fprintf(stderr, "\rbench: %d/%d iterations", it + 1, iterations);
  }
  if (showProgress) std::fprintf(stderr, "\r%*s\r", 40, "");

  const Stats host = stats(hostMs), gpu = stats(gpuMs);
  const double imagesPerS = 1000.0 * batch / host.median;
  json out = {{"device", deviceName},
              {"device_profile", ctx && !ctx->device().caps.profile.empty() ? json(ctx->device().caps.profile) : json(nullptr)},
              {"model", model.name()},
              {"batch", batch},
              {"precision", precision},
              {"precision_reason", net && !net->precisionReason().empty() ? json(net->precisionReason()) : json(nullptr)},
              {"execution", integer ? "integer" : "float"},
              {"input_normalization", model.input().source},
              {"dot_product", net && integer ? json(net->packedDotProduct() ? "packed" : "plain") : json(nullptr)},
              {"iterations", iterations},
              {"warmup", warmup},
              {"mult_adds", model.totalMacs()},
              {"host_ms", statsJson(host)},
              {"images_per_s", imagesPerS},
              {"host_gflops", flops / (host.median * 1e6)}};
  if (!gpuMs.empty()) {
    out["gpu_ms"] = statsJson(gpu);
    out["gpu_gflops"] = flops / (gpu.median * 1e6);
  }
  const Stats post = stats(postMs);
  if (!postMs.empty()) {
    out["postprocess_ms"] = statsJson(post);
    out["postprocess_share"] = post.median / host.median;  // of the whole frame, host end-to-end
  }
  out["setup_ms"] = setupMs;
  out["pipeline_cache_loaded"] = ctx ? ctx->pipelineCacheLoaded() : false;
  if (net) {
    out["memory"] = {{"weights_bytes", net->weightBytes()},
                     {"activations_bytes", net->activationBytes()},
                     {"staging_bytes", net->stagingBytes()},
                     {"host_bytes", hostBytes}};
  }
  json perLayer = json::array();
  const std::vector<std::string> variants = net ? net->kernelVariants() : std::vector<std::string>(layers.size());
  if (args.has("per-layer") && !gpuMs.empty()) {
    mobilevk::Shape in = model.inputShape(1);
    for (size_t l = 0; l < layers.size(); ++l) {
      const double ms = stats(layerMs[l]).median;
      json row = {{"name", layers[l].name}, {"type", layers[l].type}, {"variant", variants[l]}, {"ms", ms},
                  {"share", ms / gpu.median}};
      if (layers[l].macs) row["gflops"] = 2.0 * double(layers[l].macs) * batch / (ms * 1e6);
      row["gbs"] = layerBytes(layers[l], in, batch) / (ms * 1e6);
      perLayer.push_back(row);
      in = layers[l].outputShape;
    }
    out["layers"] = perLayer;
  }
  if (args.has("json")) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s on %s, batch %d, %s execution, %d iterations (+%d warm-up); input %s\n", model.name().c_str(),
              deviceName.c_str(), batch, execution.c_str(), iterations, warmup, model.input().source.c_str());
  std::printf("  host end-to-end  min %8.2f  median %8.2f  p90 %8.2f ms   %.1f images/s   %.1f GFLOP/s\n", host.min,
              host.median, host.p90, imagesPerS, flops / (host.median * 1e6));
  if (!gpuMs.empty())
    std::printf("  GPU (timestamps) min %8.2f  median %8.2f  p90 %8.2f ms   %.1f GFLOP/s\n", gpu.min, gpu.median, gpu.p90,
                flops / (gpu.median * 1e6));
  if (!postMs.empty())
    std::printf("  post-process     min %8.2f  median %8.2f  p90 %8.2f ms   on the host after the readback, %.1f%% of the frame\n",
                post.min, post.median, post.p90, 100.0 * post.median / host.median);
  std::printf("  setup            %.1f ms (context, pipelines, recording)%s\n", setupMs,
              ctx && ctx->pipelineCacheLoaded() ? ", pipeline cache loaded" : "");
  if (net)
    std::printf("  device memory    weights %.2f MB, activations %.2f MB, staging %.2f MB\n", net->weightBytes() / 1e6,
                net->activationBytes() / 1e6, net->stagingBytes() / 1e6);
  if (net)
    std::printf("  host memory      %.2f MB held by the network (process resident memory while making it; on a CPU driver\n"
                "                   its device memory too)\n", hostBytes / 1e6);
  if (!perLayer.empty()) {
    std::printf("\n  %-22s %-15s %-17s %9s %7s %9s %8s\n", "layer", "type", "variant", "ms", "share", "GFLOP/s", "GB/s");
    for (const auto& r : perLayer)
      std::printf("  %-22s %-15s %-17s %9.3f %6.1f%% %9s %8.1f\n", cli::fitName(r["name"].get<std::string>(), 22).c_str(),
                  r["type"].get<std::string>().c_str(), r["variant"].get<std::string>().c_str(), r["ms"].get<double>(),
                  100.0 * r["share"].get<double>(),
                  r.contains("gflops") ? std::to_string(int(r["gflops"].get<double>() + 0.5)).c_str() : "-",
                  r["gbs"].get<double>());
  }
  return 0;
}
