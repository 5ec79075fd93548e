// mobilevk pose: a PoseNet model (a .tflite ending in Coral's PosenetDecoderOp) on photos, the
// backbone on the GPU (or the CPU twin with --device cpu) and the decoder on the host: each pose's
// score and its 17 keypoints in image pixels, or the skeletons drawn over the photo.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "image_task.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/pose.h"

using nlohmann::json;

int cmdPose(const std::vector<std::string>& argv) {
  cli::Args args("pose", argv, cli::imageTaskValueOptions({"threshold", "keypoint-threshold"}), {"json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  if (!model.isPoseEstimator())
    throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument,
                          modelPath + ": not a pose estimator (its outputs are not those of PosenetDecoderOp); use mobilevk classify");
  const float threshold = args.floatValue("threshold", 0.0f, 0.0f, 1.0f);
  const float keypointThreshold = args.floatValue("keypoint-threshold", 0.5f, 0.0f, 1.0f);
  cli::ImageTask task("pose", args, model);
  const mobilevk::Shape in = model.inputShape();

  json results = json::array();
  std::vector<float> raw;  // --save-output: each image's four outputs, flattened, in order
  std::vector<mobilevk::Pose> drawn;
  for (const auto& input : task.inputs()) {
    const cli::ImageTask::Result run = task.run(input);
    for (const auto& o : run.outputs) raw.insert(raw.end(), o.data.begin(), o.data.end());
    const auto found = mobilevk::posesFromOutputs(run.outputs, in.w, in.h, threshold);
    json list = json::array();
    for (const auto& p : found) {
      json keypoints = json::array();
      for (int k = 0; k < mobilevk::kKeypointCount; ++k) {
        const mobilevk::Keypoint& kp = p.keypoints[size_t(k)];
        keypoints.push_back({{"name", mobilevk::keypointName(k)}, {"score", kp.score}, {"x", kp.x * float(input.width)},
                             {"y", kp.y * float(input.height)}});
      }
      list.push_back({{"score", p.score}, {"keypoints", keypoints}});
    }
    json r{{"image", input.name}, {"ms", run.ms}, {"size", {input.width, input.height}}, {"poses", list}};
    if (run.hostMs >= 0) r["host_ms"] = run.hostMs;
    results.push_back(r);
    drawn = found;
  }
  const int status = task.finish();
  task.saveFloatOutputs(raw);
  task.draw([&](mobilevk::Image& image) { mobilevk::drawPoses(image, drawn, keypointThreshold); });

  if (args.has("json")) {
    task.printJson(results);
    return status;
  }
  task.printHeader("");
  for (const auto& r : results) {
    task.printTimes(r, "decoding");
    if (r["poses"].empty()) std::printf("  no pose scores %.2f or more\n", double(threshold));
    for (const auto& p : r["poses"]) {
      std::printf("  pose %.3f:", p["score"].get<double>());
      int shown = 0;
      for (const auto& k : p["keypoints"]) {
        if (k["score"].get<double>() < keypointThreshold) continue;
        std::printf("%s %s (%.0f, %.0f)", shown++ % 4 ? "," : "\n   ", k["name"].get<std::string>().c_str(), k["x"].get<double>(),
                    k["y"].get<double>());
      }
      std::printf("%s\n", shown ? "" : " no keypoint scores the keypoint threshold");
    }
  }
  return status;
}
