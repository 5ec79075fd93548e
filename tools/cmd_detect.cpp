// mobilevk detect: an SSD detector (a .tflite ending in TFLite_Detection_PostProcess) on photos,
// the device part on the GPU (or the CPU twin with --device cpu) and the post-process on the host.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/context.h"
#include "mobilevk/detection.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "npy.h"
#include "output_file.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int cmdDetect(const std::vector<std::string>& argv) {
  cli::Args args("detect", argv,
                 {"model", "labels", "threshold", "draw", "device", "device-profile", "save-output", "save-input", "input-npy",
                  "input-range", "precision", "pipeline-cache", "execution", "dot-product", "tuning-cache"},
                 {"json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  if (!model.isDetector())
    throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument,
                          modelPath + ": not a detector (its outputs are not those of TFLite_Detection_PostProcess); "
                                      "use mobilevk classify");
  const double threshold = args.floatValue("threshold", 0.5f, 0.0f, 1.0f);
  if (args.has("draw") && (args.positional().size() != 1 || args.has("input-npy")))
    throw cli::UsageError{"--draw writes one picture: give exactly one image"};
  cli::applyInputRange(args, model);
  std::vector<cli::InputFailure> failures;
  const auto inputs = cli::loadInputs(args, model, &failures);
  for (const auto& f : failures) std::fprintf(stderr, "mobilevk detect: error: %s\n", f.error.c_str());
  if (inputs.empty()) throw mobilevk::Error("none of the " + std::to_string(failures.size()) + " inputs could be read");
  std::string labelsPath;
  const auto labels = mobilevk::labelsForModel(args.value("labels"), modelPath, size_t(model.detectorClasses()), &labelsPath);

  const bool integer = cli::integerExecution(args, model);
  const std::unique_ptr<mobilevk::Context> ctx = cli::contextFor(args, true);
  const std::string deviceName = ctx ? ctx->device().name : integer ? "CPU integer twin" : "CPU reference";
  std::unique_ptr<mobilevk::Network> net;
  double firstRunMs = 0;
  if (ctx) {
    mobilevk::NetworkOptions no;
    cli::precisionOption(args, no);
    no.execution = cli::executionOption(integer);
    no.dotProduct = cli::dotProductOption(args);
    no.tuningCache = cli::tuningCacheOption(args);
    no.profile = true;
    net = std::make_unique<mobilevk::Network>(*ctx, model, no);
    const auto t0 = Clock::now();  // the driver compiles shaders lazily: not counted below
    net->runOutputs(inputs[0].tensor);
    firstRunMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }

  json results = json::array();
  std::vector<float> raw;  // --save-output: each image's four outputs, flattened, in order
  std::vector<mobilevk::Detection> drawn;
  for (const auto& in : inputs) {
    const auto t0 = Clock::now();
    const std::vector<mobilevk::HostTensor> outs = net ? net->runOutputs(in.tensor)
                                                   : integer ? mobilevk::runIntegerReferenceOutputs(model, in.tensor)
                                                             : mobilevk::runReferenceOutputs(model, in.tensor);
    const double wallMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    for (const auto& o : outs) raw.insert(raw.end(), o.data.begin(), o.data.end());
    const auto found = mobilevk::detectionsFromOutputs(outs, float(threshold));
    json list = json::array();
    for (const auto& d : found)
      list.push_back({{"class", d.classId},
                      {"label", size_t(d.classId) < labels.size() ? json(labels[size_t(d.classId)]) : json(nullptr)},
                      {"score", d.score},
                      {"box", {d.ymin, d.xmin, d.ymax, d.xmax}}});
    json r{{"image", in.name}, {"ms", net ? json(net->lastTimings().gpuMs) : json(wallMs)}, {"detections", list}};
    if (net) r["host_ms"] = net->hostMilliseconds();
    results.push_back(r);
    drawn = found;
  }
  cli::savePipelineCache(args, ctx.get());

  cli::saveInputs(args, model, inputs, integer);

  if (args.has("save-output"))
    mobilevk::writeNpy(args.value("save-output"), raw, {int(inputs.size()), int(raw.size() / inputs.size())}, args.has("overwrite"));
  if (args.has("draw")) {
    mobilevk::Image image = mobilevk::loadImage(inputs[0].name);
    mobilevk::drawDetections(image, drawn, labels);
    mobilevk::writeOutputFile(args.value("draw"), mobilevk::encodePng(image), args.has("overwrite"));
  }

  const int status = failures.empty() ? 0 : 1;
  if (args.has("json")) {
    if (results.size() == 1 && failures.empty()) {
      std::cout << results[0].dump() << "\n";
    } else {
      for (const auto& r : results) std::cout << r.dump() << "\n";  // one object per image
    }
    for (const auto& f : failures) std::cout << json{{"image", f.name}, {"error", f.error}}.dump() << "\n";
    return status;
  }
  std::printf("model %s (%s), device: %s, %s execution%s\n", model.name().c_str(), model.inputShape(1).str().c_str(), deviceName.c_str(),
              cli::executionDescription(net.get(), integer).c_str(), labels.empty() ? ", no label file found (use --labels)" : "");
  if (net) std::printf("first run (driver compiles shaders lazily): %.1f ms, not counted below\n", firstRunMs);
  for (const auto& r : results) {
    std::printf("%s  (%.1f ms on the device%s)\n", r["image"].get<std::string>().c_str(), r["ms"].get<double>(),
                r.contains("host_ms") ? (", " + std::to_string(r["host_ms"].get<double>()).substr(0, 5) + " ms post-process").c_str() : "");
    if (r["detections"].empty()) std::printf("  nothing scores %.2f or more\n", threshold);
    for (const auto& d : r["detections"])
      std::printf("  %.3f  %-14s  box [%.3f, %.3f, %.3f, %.3f]\n", d["score"].get<double>(),
                  d["label"].is_null() ? ("class " + std::to_string(d["class"].get<int>())).c_str() : d["label"].get<std::string>().c_str(),
                  d["box"][0].get<double>(), d["box"][1].get<double>(), d["box"][2].get<double>(), d["box"][3].get<double>());
  }
  return status;
}
