#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/context.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"
#include "mobilevk/network.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int cmdClassify(const std::vector<std::string>& argv) {
  cli::Args args("classify", argv,
                 {"model", "labels", "top", "device", "save-output", "input-npy", "input-range", "precision", "pipeline-cache"},
                 {"batch", "json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  int topK = args.intValue("top", 5, 1, 1000000);
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  cli::applyInputRange(args, model);
  const auto inputs = cli::loadInputs(args, model);
  const mobilevk::Shape outShape = model.outputShape(1);
  const int classes = int(outShape.elements());
  if (!args.has("top")) topK = std::min(topK, classes);
  if (topK > classes)
    throw cli::UsageError{"--top " + std::to_string(topK) + " is more than the model's " + std::to_string(classes) + " outputs"};
  std::string labelsPath;
  const auto labels = cli::findLabels(args.value("labels"), modelPath, classes, &labelsPath);

  const mobilevk::Precision precision = cli::precisionOption(args);
  const std::unique_ptr<mobilevk::Context> ctx = cli::contextFor(args, true);
  const bool onCpu = !ctx;
  const std::string deviceName = ctx ? ctx->device().name : "CPU reference";

  // Outputs per image, and the time each took (a batch's time is shared equally).
  std::vector<std::vector<float>> outputs(inputs.size());
  std::vector<double> ms(inputs.size());
  const size_t batch = args.has("batch") ? inputs.size() : 1;
  std::unique_ptr<mobilevk::Network> net;
  if (!onCpu) {
    mobilevk::NetworkOptions no;
    no.batch = int(batch);
    no.precision = precision;
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
    const mobilevk::HostTensor out = onCpu ? mobilevk::runReference(model, in) : net->run(in);
    const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const size_t per = out.data.size() / batch;
    for (size_t i = 0; i < batch; ++i) {
      outputs[first + i].assign(out.data.begin() + long(i * per), out.data.begin() + long((i + 1) * per));
      ms[first + i] = elapsed / double(batch);
    }
  }

  if (args.has("save-output")) {
    std::vector<float> all;
    for (const auto& o : outputs) all.insert(all.end(), o.begin(), o.end());
    mobilevk::writeNpy(args.value("save-output"), all, {int(outputs.size()), classes}, args.has("overwrite"));
  }

  json results = json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    json top = json::array();
    for (const int idx : mobilevk::topK(outputs[i], size_t(topK))) {
      top.push_back({{"index", idx}, {"label", labels.empty() ? json(nullptr) : json(labels[idx])}, {"prob", outputs[i][idx]}});
    }
    results.push_back({{"image", inputs[i].name}, {"top", top}, {"ms", ms[i]}});
  }
  if (args.has("json")) {
    std::cout << json{{"device", deviceName}, {"model", modelPath}, {"labels", labelsPath.empty() ? json(nullptr) : json(labelsPath)},
                      {"batch", batch}, {"first_run_ms", net ? json(firstRunMs) : json(nullptr)}, {"results", results}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf("model %s (%s), device: %s%s\n", model.name().c_str(), model.inputShape().str().c_str(), deviceName.c_str(),
              labels.empty() ? ", no label file found (use --labels)" : "");
  if (net) std::printf("first run (driver compiles shaders lazily): %.1f ms, not counted below\n", firstRunMs);
  for (const auto& r : results) {
    std::printf("%s  (%.1f ms)\n", r["image"].get<std::string>().c_str(), r["ms"].get<double>());
    for (const auto& t : r["top"])
      std::printf("  %8.5f  %4d  %s\n", t["prob"].get<double>(), t["index"].get<int>(),
                  t["label"].is_null() ? "" : t["label"].get<std::string>().c_str());
  }
  return 0;
}
