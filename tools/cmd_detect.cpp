// mobilevk detect: an SSD detector (a .tflite ending in TFLite_Detection_PostProcess) on photos,
// the device part on the GPU (or the CPU twin with --device cpu) and the post-process on the host.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "image_task.h"
#include "mobilevk/detection.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"

using nlohmann::json;

int cmdDetect(const std::vector<std::string>& argv) {
  cli::Args args("detect", argv, cli::imageTaskValueOptions({"threshold"}), {"json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  if (!model.isDetector())
    throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument,
                          modelPath + ": not a detector (its outputs are not those of TFLite_Detection_PostProcess); "
                                      "use mobilevk classify");
  const double threshold = args.floatValue("threshold", 0.5f, 0.0f, 1.0f);
  cli::ImageTask task("detect", args, model);
  std::string labelsPath;
  const auto labels = mobilevk::labelsForModel(args.value("labels"), modelPath, size_t(model.detectorClasses()), &labelsPath);

  json results = json::array();
  std::vector<float> raw;  // --save-output: each image's four outputs, flattened, in order
  std::vector<mobilevk::Detection> drawn;
  for (const auto& in : task.inputs()) {
    const cli::ImageTask::Result run = task.run(in);
    for (const auto& o : run.outputs) raw.insert(raw.end(), o.data.begin(), o.data.end());
    const auto found = mobilevk::detectionsFromOutputs(run.outputs, float(threshold));
    json list = json::array();
    for (const auto& d : found)
      list.push_back({{"class", d.classId},
                      {"label", size_t(d.classId) < labels.size() ? json(labels[size_t(d.classId)]) : json(nullptr)},
                      {"score", d.score},
                      {"box", {d.ymin, d.xmin, d.ymax, d.xmax}}});
    json r{{"image", in.name}, {"ms", run.ms}, {"detections", list}};
    if (run.hostMs >= 0) r["host_ms"] = run.hostMs;
    results.push_back(r);
    drawn = found;
  }
  const int status = task.finish();
  task.saveFloatOutputs(raw);
  task.draw([&](mobilevk::Image& image) { mobilevk::drawDetections(image, drawn, labels); });

  if (args.has("json")) {
    task.printJson(results);
    return status;
  }
  task.printHeader(labels.empty() ? ", no label file found (use --labels)" : "");
  for (const auto& r : results) {
    task.printTimes(r, "post-process");
    if (r["detections"].empty()) std::printf("  nothing scores %.2f or more\n", threshold);
    for (const auto& d : r["detections"])
      std::printf("  %.3f  %-14s  box [%.3f, %.3f, %.3f, %.3f]\n", d["score"].get<double>(),
                  d["label"].is_null() ? ("class " + std::to_string(d["class"].get<int>())).c_str() : d["label"].get<std::string>().c_str(),
                  d["box"][0].get<double>(), d["box"][1].get<double>(), d["box"][2].get<double>(), d["box"][3].get<double>());
  }
  return status;
}
