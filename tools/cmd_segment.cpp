// mobilevk segment: a segmentation model (a class per pixel from ARG_MAX, DeepLabV3) on photos: the
// share of the image each class covers, the class map as int32 .npy, the map blended over the photo.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "image_task.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"
#include "mobilevk/segmentation.h"
#include "npy.h"

using nlohmann::json;

int cmdSegment(const std::vector<std::string>& argv) {
  cli::Args args("segment", argv, cli::imageTaskValueOptions({"alpha"}), {"json", "overwrite"});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  const std::string modelPath = args.value("model");
  mobilevk::Model model = mobilevk::Model::load(modelPath);
  if (!model.isSegmenter())
    throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument,
                          modelPath + ": not a segmentation model (its output is not ARG_MAX over channels, a class per pixel); "
                                      "use mobilevk classify");
  const float alpha = args.floatValue("alpha", 0.5f, 0.0f, 1.0f);
  const int classes = model.segmenterClasses();
  cli::ImageTask task("segment", args, model);
  const auto labels = mobilevk::labelsForModel(args.value("labels"), modelPath, size_t(classes));

  json results = json::array();
  std::vector<int32_t> maps;  // --save-output: each image's class map
  mobilevk::IndexTensor drawn;
  for (const auto& in : task.inputs()) {
    const cli::ImageTask::Result run = task.run(in);
    mobilevk::IndexTensor map = mobilevk::indicesFromFloats(run.outputs.at(0));
    json list = json::array();
    for (const mobilevk::ClassShare& c : mobilevk::classesByShare(map, classes))
      list.push_back({{"class", c.classId}, {"label", size_t(c.classId) < labels.size() ? json(labels[size_t(c.classId)]) : json(nullptr)},
                      {"share", c.share}});
    results.push_back({{"image", in.name}, {"ms", run.ms}, {"map", {map.shape.h, map.shape.w}}, {"classes", list}});
    maps.insert(maps.end(), map.data.begin(), map.data.end());
    drawn = std::move(map);
  }
  const int status = task.finish();
  if (args.has("save-output"))
    mobilevk::writeNpyInt32(args.value("save-output"), maps, {int(task.inputs().size()), drawn.shape.h, drawn.shape.w}, args.has("overwrite"));
  task.draw([&](mobilevk::Image& image) { mobilevk::drawSegmentation(image, drawn, alpha); });

  if (args.has("json")) {
    task.printJson(results);
    return status;
  }
  task.printHeader(labels.empty() ? ", no label file found (use --labels)" : "");
  for (const auto& r : results) {
    std::printf("%s  (%.1f ms, class map %dx%d)\n", r["image"].get<std::string>().c_str(), r["ms"].get<double>(), r["map"][0].get<int>(),
                r["map"][1].get<int>());
    for (const auto& c : r["classes"])
      std::printf("  %6.2f%%  %3d  %s\n", 100 * c["share"].get<double>(), c["class"].get<int>(),
                  c["label"].is_null() ? "" : c["label"].get<std::string>().c_str());
  }
  return status;
}
