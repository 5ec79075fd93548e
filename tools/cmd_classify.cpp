#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "npy.h"
#include "cli_util.h"
#include "commands.h"
#include "mobilevk/context.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int cmdClassify(const std::vector<std::string>& argv) {
  cli::Args args("classify", argv,
                 {"model", "labels", "top", "device", "device-profile", "save-output", "save-input", "input-npy", "input-range", "precision",
                  "pipeline-cache", "execution", "dot-product", "tuning-cache"},
                 {"batch", "json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  int topK = args.intValue("top", 5, 1, 1000000);
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  // A top-K of boxes, a class map or keypoints would be numbers without meaning: the command that
  // reads them is named instead.
  const char* task = model.isDetector() ? "a detector, not a classifier: use mobilevk detect"
                     : model.isSegmenter() ? "a segmentation model, not a classifier: use mobilevk segment"
                     : model.isPoseEstimator() ? "a pose estimator, not a classifier: use mobilevk pose"
                                               : nullptr;
  if (task) throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument, modelPath + ": " + task);
  cli::applyInputRange(args, model);
  // Every readable input is classified; each one that fails is reported (now, and in --json) and
  // makes the exit status 1 at the end.
  std::vector<cli::InputFailure> failures;
  const auto inputs = cli::loadInputs(args, model, &failures);
  const size_t given = inputs.size() + failures.size();
  auto printError = [](const std::string& error) { std::fprintf(stderr, "mobilevk classify: error: %s\n", error.c_str()); };
  for (const auto& f : failures) printError(f.error);
  auto report = [&](const std::string& name, const std::string& error) {
    printError(error);
    failures.push_back({name, error});
  };
  if (inputs.empty()) throw mobilevk::Error("none of the " + std::to_string(given) + " inputs could be read");
  const mobilevk::Shape outShape = model.outputShape(1);
  const int classes = int(outShape.elements());
  if (!args.has("top")) topK = std::min(topK, classes);
  if (topK > classes)
    throw cli::UsageError{"--top " + std::to_string(topK) + " is more than the model's " + std::to_string(classes) + " outputs"};
  std::string labelsPath;
  const auto labels = mobilevk::labelsForModel(args.value("labels"), modelPath, size_t(classes), &labelsPath);

  const bool integer = cli::integerExecution(args, model);
  const std::unique_ptr<mobilevk::Context> ctx = cli::contextFor(args, true);
  const bool onCpu = !ctx;
  const std::string deviceName = ctx ? ctx->device().name : integer ? "CPU integer twin" : "CPU reference";

  // Outputs per image, and the time each took (a batch's time is shared equally).
  std::vector<std::vector<float>> outputs(inputs.size()), others(inputs.size());  // output 0; the outputs after it
  std::vector<double> ms(inputs.size());
  const size_t batch = args.has("batch") ? inputs.size() : 1;
  std::unique_ptr<mobilevk::Network> net;
  if (!onCpu) {
    mobilevk::NetworkOptions no;
    no.batch = int(batch);
    cli::precisionOption(args, no);
    no.execution = cli::executionOption(integer);
    no.dotProduct = cli::dotProductOption(args);
    no.tuningCache = cli::tuningCacheOption(args);
    net = std::make_unique<mobilevk::Network>(*ctx, model, no);
  }
  // The first submission pays the driver's lazy shader compilation (hundreds of ms on lavapipe);
  // run it once untimed so the per-image times are the steady state, and report it separately.
  double firstRunMs = 0;
  if (net) {
    const auto t0 = Clock::now();
    net->run(cli::stackBatch(inputs, 0, batch));
    firstRunMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
  for (size_t first = 0; first < inputs.size(); first += batch) {
    const mobilevk::HostTensor in = cli::stackBatch(inputs, first, batch);
    const auto t0 = Clock::now();
    const std::vector<mobilevk::HostTensor> outs = !onCpu ? net->runOutputs(in)
                                                   : integer ? mobilevk::runIntegerReferenceOutputs(model, in)
                                                             : mobilevk::runReferenceOutputs(model, in);
    const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const mobilevk::HostTensor& out = outs.at(0);
    const size_t per = out.data.size() / batch;
    for (size_t i = 0; i < batch; ++i) {
      outputs[first + i].assign(out.data.begin() + long(i * per), out.data.begin() + long((i + 1) * per));
      ms[first + i] = elapsed / double(batch);
      // --save-output of a model with several outputs: each image's outputs in order, flattened.
      for (size_t k = 1; k < outs.size(); ++k) {
        const size_t perK = outs[k].data.size() / batch;
        others[first + i].insert(others[first + i].end(), outs[k].data.begin() + long(i * perK), outs[k].data.begin() + long((i + 1) * perK));
      }
    }
  }

  cli::savePipelineCache(args, ctx.get());

  // A non-finite output (from extreme inputs) is an error for that input, never a probability.
  std::vector<bool> ok(inputs.size(), true);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto bad = std::find_if(outputs[i].begin(), outputs[i].end(), [](float v) { return !std::isfinite(v); });
    if (bad == outputs[i].end()) continue;
    ok[i] = false;
    report(inputs[i].name, inputs[i].name + ": the network's output is not finite (" + std::to_string(*bad) + " at index " +
                               std::to_string(bad - outputs[i].begin()) + "); the input or its range is too extreme");
  }

  cli::saveInputs(args, model, inputs, integer);

  if (args.has("save-output")) {
    if (!failures.empty())
      throw mobilevk::Error("not writing " + args.value("save-output") + ": " + std::to_string(failures.size()) +
                            " input(s) failed, so its rows would not match the inputs given");
    std::vector<float> all;
    for (size_t i = 0; i < outputs.size(); ++i) {
      all.insert(all.end(), outputs[i].begin(), outputs[i].end());
      all.insert(all.end(), others[i].begin(), others[i].end());
    }
    mobilevk::writeNpy(args.value("save-output"), all, {int(outputs.size()), int(all.size() / outputs.size())}, args.has("overwrite"));
  }

  json results = json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!ok[i]) continue;
    json top = json::array();
    for (const int idx : mobilevk::topK(outputs[i], size_t(topK))) {
      top.push_back({{"index", idx}, {"label", labels.empty() ? json(nullptr) : json(labels[idx])}, {"prob", outputs[i][idx]}});
    }
    results.push_back({{"image", inputs[i].name}, {"top", top}, {"ms", ms[i]}});
  }
  const int status = failures.empty() ? 0 : 1;
  if (args.has("json")) {
    json errors = json::array();
    for (const auto& f : failures) errors.push_back({{"input", f.name}, {"error", f.error}});
    json doc{{"device", deviceName}, {"model", modelPath}, {"labels", labelsPath.empty() ? json(nullptr) : json(labelsPath)},
             {"execution", integer ? "integer" : "float"},
             {"dot_product", net && integer ? json(net->packedDotProduct() ? "packed" : "plain") : json(nullptr)},
             {"precision", net ? json(cli::precisionName(*net)) : json(integer ? "int8" : "fp32")},
             {"precision_reason", net && !net->precisionReason().empty() ? json(net->precisionReason()) : json(nullptr)},
             {"batch", batch},
             {"input_normalization", args.has("input-npy") ? json(nullptr) : json(model.input().source)},
             {"first_run_ms", net ? json(firstRunMs) : json(nullptr)}, {"results", results}, {"errors", errors}};
    if (integer) {
      const mobilevk::Quantization q = model.outputQuantization();
      doc["output_quantization"] = {{"type", q.isSigned ? "int8" : "uint8"}, {"scale", q.scale}, {"zero_point", q.zeroPoint}};
    }
    // Every output, in the order --save-output writes them.
    json outs = json::array();
    for (size_t k = 0; k < model.outputCount(); ++k) {
      const mobilevk::Shape s = model.outputShape(k, 1);
      json o{{"shape", {s.n, s.h, s.w, s.c}}, {"quantization", nullptr}};
      if (integer) {
        const mobilevk::Quantization oq = model.outputQuantization(k);
        o["quantization"] = {{"type", oq.isSigned ? "int8" : "uint8"}, {"scale", oq.scale}, {"zero_point", oq.zeroPoint}};
      }
      outs.push_back(o);
    }
    doc["outputs"] = outs;
    std::cout << doc.dump(2) << "\n";
    return status;
  }
  std::printf("model %s (%s), device: %s, %s execution%s\n", model.name().c_str(), model.inputShape(int(batch)).str().c_str(),
              deviceName.c_str(), cli::executionDescription(net.get(), integer).c_str(), labels.empty() ? ", no label file found (use --labels)" : "");
  // Which normalization the pixels got: a float file records none, and a wrong guess gives a
  // confident wrong class (README, Models).
  if (!args.has("input-npy")) std::printf("input: %s\n", model.input().source.c_str());
  if (net) std::printf("first run (driver compiles shaders lazily): %.1f ms, not counted below\n", firstRunMs);
  for (const auto& r : results) {
    std::printf("%s  (%.1f ms)\n", r["image"].get<std::string>().c_str(), r["ms"].get<double>());
    for (const auto& t : r["top"])
      std::printf("  %8.5f  %4d  %s\n", t["prob"].get<double>(), t["index"].get<int>(),
                  t["label"].is_null() ? "" : t["label"].get<std::string>().c_str());
  }
  if (status) std::fprintf(stderr, "mobilevk classify: %zu of %zu inputs failed\n", failures.size(), given);
  return status;
}
