#include "tasks.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "mobilevk/detection.h"
#include "mobilevk/labels.h"
#include "mobilevk/pose.h"
#include "mobilevk/segmentation.h"

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string labelOf(const LoadedModel& m, int i) {
  return i >= 0 && size_t(i) < m.labels.size() ? m.labels[size_t(i)] : "class " + std::to_string(i);
}

std::string fitLabel(const std::string& label, size_t width) {
  return label.size() <= width ? label : label.substr(0, width - 3) + "...";
}

std::string format(const char* fmt, double a, const std::string& s = "") {
  char line[256];
  std::snprintf(line, sizeof line, fmt, a, s.c_str());
  return line;
}

FrameResult classify(const LoadedModel& m, const Frame& in) {
  FrameResult r;
  const auto t0 = Clock::now();
  const std::vector<float> probs = m.net->runPixels(in.rgba.data(), uint32_t(in.width), uint32_t(in.height)).data;
  r.inferMs = msSince(t0);
  const size_t k = std::min<size_t>(5, probs.size());
  const std::vector<int> order = mobilevk::topK(probs, k);
  const float top = probs[size_t(order[0])];
  r.fields["top1"] = {{"index", order[0]}, {"label", labelOf(m, order[0])}, {"prob", top}};
  r.text = labelOf(m, order[0]) + " " + format("%.4f", double(top));
  for (size_t i = 0; i < k; ++i)
    r.overlay.push_back(format("%5.1f%%  %s", 100.0 * probs[size_t(order[i])], fitLabel(labelOf(m, order[i]), 40)));
  return r;
}

FrameResult detect(const LoadedModel& m, const Frame& in, const TaskSettings& s, Frame* shown) {
  FrameResult r;
  const auto t0 = Clock::now();
  const auto found = m.net->detect(in.rgba.data(), uint32_t(in.width), uint32_t(in.height), s.threshold);
  r.inferMs = msSince(t0);
  json list = json::array();
  for (const auto& d : found) {
    list.push_back({{"class", d.classId}, {"label", labelOf(m, d.classId)}, {"score", d.score}, {"box", {d.ymin, d.xmin, d.ymax, d.xmax}}});
    r.text += (r.text.empty() ? "" : ", ") + labelOf(m, d.classId) + format(" %.2f", double(d.score));
  }
  r.fields = {{"detections", list}, {"postprocess_ms", m.net->hostMilliseconds()}};
  if (r.text.empty()) r.text = "nothing";
  r.overlay.push_back(std::to_string(found.size()) + (found.size() == 1 ? " object" : " objects") + format(" scoring %.2f or more", double(s.threshold)));
  if (shown) mobilevk::drawDetections(shown->rgba.data(), shown->width, shown->height, 4, found, m.labels);
  return r;
}

FrameResult segment(const LoadedModel& m, const Frame& in, const TaskSettings& s, Frame* shown) {
  FrameResult r;
  const auto t0 = Clock::now();
  const mobilevk::IndexTensor map = m.net->segment(in.rgba.data(), uint32_t(in.width), uint32_t(in.height));
  r.inferMs = msSince(t0);
  json list = json::array();
  for (const mobilevk::ClassShare& c : mobilevk::classesByShare(map, m.model.segmenterClasses())) {
    list.push_back({{"class", c.classId}, {"label", labelOf(m, c.classId)}, {"share", c.share}});
    r.text += (r.text.empty() ? "" : ", ") + labelOf(m, c.classId) + format(" %.1f%%", 100 * c.share);
    if (r.overlay.size() < 5) r.overlay.push_back(format("%5.1f%%  %s", 100 * c.share, fitLabel(labelOf(m, c.classId), 40)));
  }
  r.fields = {{"map", {map.shape.h, map.shape.w}}, {"classes", list}};
  if (shown) mobilevk::drawSegmentation(shown->rgba.data(), shown->width, shown->height, 4, map, s.maskAlpha);
  return r;
}

FrameResult estimatePoses(const LoadedModel& m, const Frame& in, const TaskSettings& s, Frame* shown) {
  FrameResult r;
  const auto t0 = Clock::now();
  const std::vector<mobilevk::Pose> poses = m.net->estimatePoses(in.rgba.data(), uint32_t(in.width), uint32_t(in.height), s.threshold);
  r.inferMs = msSince(t0);
  json list = json::array();
  for (const auto& p : poses) {
    json keypoints = json::array();
    for (int k = 0; k < mobilevk::kKeypointCount; ++k) {
      const mobilevk::Keypoint& kp = p.keypoints[size_t(k)];
      keypoints.push_back({{"name", mobilevk::keypointName(k)}, {"score", kp.score}, {"x", kp.x * float(in.width)}, {"y", kp.y * float(in.height)}});
    }
    list.push_back({{"score", p.score}, {"keypoints", keypoints}});
    r.text += (r.text.empty() ? "pose " : ", pose ") + format("%.2f", double(p.score));
  }
  r.fields = {{"poses", list}, {"postprocess_ms", m.net->hostMilliseconds()}};
  if (r.text.empty()) r.text = "no pose";
  r.overlay.push_back(std::to_string(poses.size()) + (poses.size() == 1 ? " pose" : " poses") + format(" scoring %.2f or more", double(s.threshold)));
  if (shown) mobilevk::drawPoses(shown->rgba.data(), shown->width, shown->height, 4, poses, s.keypointThreshold);
  return r;
}

}  // namespace

size_t labelCount(const mobilevk::Model& model) {
  if (model.isDetector()) return size_t(model.detectorClasses());
  if (model.isSegmenter()) return size_t(model.segmenterClasses());
  if (model.isPoseEstimator()) return 0;
  return model.outputShape().elements();
}

bool drawsOnInput(const mobilevk::Model& model) { return model.isDetector() || model.isSegmenter() || model.isPoseEstimator(); }

FrameResult runTask(const LoadedModel& m, const Frame& input, const TaskSettings& settings, Frame* shown) {
  if (m.model.isDetector()) return detect(m, input, settings, shown);
  if (m.model.isSegmenter()) return segment(m, input, settings, shown);
  if (m.model.isPoseEstimator()) return estimatePoses(m, input, settings, shown);
  return classify(m, input);
}
