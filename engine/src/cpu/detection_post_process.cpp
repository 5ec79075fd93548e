// TFLite_Detection_PostProcess (graph/detection.h) in the arithmetic of LiteRT's kernel: the same
// float and double operations in the same order (the build fuses no multiply-add:
// -ffp-contract=off in CMakeLists.txt), the same sorts (stable where LiteRT's is) and the same tie rules.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cpu/reference.h"
#include "graph/detection.h"
#include "mobilevk/error.h"

namespace mobilevk {

void DetectionOptions::validate(const std::string& who) const {
  auto bad = [&](const std::string& what) { throw Error(ErrorCode::InvalidModel, who + ": " + what); };
  if (numClasses <= 0) bad("num_classes is " + std::to_string(numClasses) + "; it must be positive");
  if (maxDetections <= 0 || maxDetections > 100000) bad("max_detections is " + std::to_string(maxDetections) + "; expected 1 to 100000");
  if (maxClassesPerDetection <= 0 || maxClassesPerDetection > numClasses)
    bad("max_classes_per_detection is " + std::to_string(maxClassesPerDetection) + "; expected 1 to num_classes (" +
        std::to_string(numClasses) + ")");
  if (useRegularNms && (detectionsPerClass <= 0 || detectionsPerClass > 100000))
    bad("detections_per_class is " + std::to_string(detectionsPerClass) + "; expected 1 to 100000 with use_regular_nms");
  if (!(iouThreshold > 0.0f && iouThreshold <= 1.0f)) bad("nms_iou_threshold is " + std::to_string(iouThreshold) + "; expected (0, 1]");
  if (!(scoreThreshold >= 0.0f) || !std::isfinite(scoreThreshold))
    bad("nms_score_threshold is " + std::to_string(scoreThreshold) + "; it must be finite and not negative");
  for (float s : {yScale, xScale, hScale, wScale})
    if (!(s > 0.0f) || !std::isfinite(s)) bad("a box scale (y_scale, x_scale, h_scale, w_scale) is " + std::to_string(s) + "; scales must be finite and positive");
}

namespace {

struct Corner {
  float ymin, xmin, ymax, xmax;
};

std::vector<Corner> decode(const DetectionOptions& o, const std::vector<Anchor>& anchors, const float* boxes, int numBoxes, int stride) {
  std::vector<Corner> out(static_cast<size_t>(numBoxes));
  for (int i = 0; i < numBoxes; ++i) {
    const float* b = boxes + size_t(i) * size_t(stride);
    const Anchor& a = anchors[size_t(i)];
    const float ycenter = float(double(b[0]) / double(o.yScale) * double(a.h) + double(a.y));
    const float xcenter = float(double(b[1]) / double(o.xScale) * double(a.w) + double(a.x));
    const float halfH = float(0.5 * std::exp(double(b[2]) / double(o.hScale)) * double(a.h));
    const float halfW = float(0.5 * std::exp(double(b[3]) / double(o.wScale)) * double(a.w));
    out[size_t(i)] = {ycenter - halfH, xcenter - halfW, ycenter + halfH, xcenter + halfW};
  }
  return out;
}

float intersectionOverUnion(const Corner& a, const Corner& b) {
  const float areaA = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float areaB = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (areaA <= 0 || areaB <= 0) return 0.0f;
  const float ymin = std::max(a.ymin, b.ymin), xmin = std::max(a.xmin, b.xmin);
  const float ymax = std::min(a.ymax, b.ymax), xmax = std::min(a.xmax, b.xmax);
  const float intersection = std::max(ymax - ymin, 0.0f) * std::max(xmax - xmin, 0.0f);
  return intersection / (areaA + areaB - intersection);
}

// Greedy NMS over one score per box: those at or above the score threshold, by decreasing score
// (a stable sort: equal scores keep the box order), each dropping later boxes that overlap it by
// more than the IoU threshold; at most `limit` kept. Returns box indices.
std::vector<int> suppress(const DetectionOptions& o, const std::vector<Corner>& boxes, const std::vector<float>& scores, int limit) {
  std::vector<int> keep;
  std::vector<float> keptScores;
  for (size_t i = 0; i < scores.size(); ++i)
    if (scores[i] >= o.scoreThreshold) {
      keep.push_back(int(i));
      keptScores.push_back(scores[i]);
    }
  std::vector<int> order(keep.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keptScores[size_t(a)] > keptScores[size_t(b)]; });
  const size_t outputSize = std::min(keep.size(), size_t(limit));
  std::vector<int> selected;
  std::vector<uint8_t> active(keep.size(), 1);
  size_t activeCount = keep.size();
  for (size_t i = 0; i < keep.size(); ++i) {
    if (activeCount == 0 || selected.size() >= outputSize) break;
    if (!active[i]) continue;
    const int box = keep[size_t(order[i])];
    selected.push_back(box);
    active[i] = 0;
    --activeCount;
    for (size_t j = i + 1; j < keep.size(); ++j)
      if (active[j] && intersectionOverUnion(boxes[size_t(box)], boxes[size_t(keep[size_t(order[j])])]) > o.iouThreshold) {
        active[j] = 0;
        --activeCount;
      }
  }
  return selected;
}

void put(DetectionResult& r, size_t slot, const Corner& box, int cls, float score) {
  r.boxes[slot * 4 + 0] = box.ymin;
  r.boxes[slot * 4 + 1] = box.xmin;
  r.boxes[slot * 4 + 2] = box.ymax;
  r.boxes[slot * 4 + 3] = box.xmax;
  r.classes[slot] = float(cls);
  r.scores[slot] = score;
}

// Fast NMS: each box ranked by its best class (the first of equal scores; with several classes per
// box, std::partial_sort as LiteRT, whose order of equal scores the C++ library decides).
void fastNms(const DetectionOptions& o, const std::vector<Corner>& boxes, const float* scores, int stride, int labelOffset,
             DetectionResult& r) {
  const int numBoxes = int(boxes.size());
  const int perBox = std::min(o.maxClassesPerDetection, o.numClasses);
  std::vector<int> classes(size_t(numBoxes) * size_t(o.numClasses));
  std::vector<float> best(static_cast<size_t>(numBoxes));
  for (int b = 0; b < numBoxes; ++b) {
    const float* s = scores + size_t(b) * size_t(stride) + size_t(labelOffset);
    int* c = classes.data() + size_t(b) * size_t(o.numClasses);
    if (perBox == 1) {
      c[0] = int(std::max_element(s, s + o.numClasses) - s);  // the first maximum
    } else {
      std::iota(c, c + o.numClasses, 0);
      std::partial_sort(c, c + perBox, c + o.numClasses, [&](int i, int j) { return s[i] > s[j]; });
    }
    best[size_t(b)] = s[c[0]];
  }
  const std::vector<int> selected = suppress(o, boxes, best, o.maxDetections);
  int index = 0;
  for (int b : selected) {
    const float* s = scores + size_t(b) * size_t(stride) + size_t(labelOffset);
    const int* c = classes.data() + size_t(b) * size_t(o.numClasses);
    for (int k = 0; k < perBox; ++k)
      put(r, size_t(o.maxClassesPerDetection) * size_t(index) + size_t(k), boxes[size_t(b)], c[k], s[c[k]]);
    ++index;
  }
  r.count = float(index);
}

// Regular NMS: NMS per class, each class's survivors merged (stably, by decreasing score) into the
// running best max_detections.
void regularNms(const DetectionOptions& o, const std::vector<Corner>& boxes, const float* scores, int stride, int labelOffset,
                DetectionResult& r) {
  struct Candidate {
    int index;  // box * stride + class + label offset, as LiteRT keeps it
    float score;
  };
  const int numBoxes = int(boxes.size());
  const int perClass = std::min(o.detectionsPerClass, o.maxDetections);
  std::vector<Candidate> merged(size_t(o.maxDetections) * 2);
  int size = 0;
  std::vector<float> classScores(static_cast<size_t>(numBoxes));
  for (int col = 0; col < o.numClasses; ++col) {
    for (int b = 0; b < numBoxes; ++b) classScores[size_t(b)] = scores[size_t(b) * size_t(stride) + size_t(col + labelOffset)];
    const std::vector<int> selected = suppress(o, boxes, classScores, perClass);
    if (selected.empty()) continue;
    for (size_t i = 0; i < selected.size(); ++i)
      merged[size_t(size) + i] = {selected[i] * stride + col + labelOffset, classScores[size_t(selected[i])]};
    std::inplace_merge(merged.begin(), merged.begin() + size, merged.begin() + size + int(selected.size()),
                       [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    size = std::min(size + int(selected.size()), o.maxDetections);
  }
  for (int i = 0; i < size; ++i) {
    const int box = merged[size_t(i)].index / stride;
    put(r, size_t(i), boxes[size_t(box)], merged[size_t(i)].index - box * stride - labelOffset, merged[size_t(i)].score);
  }
  r.count = float(size);
}

}  // namespace

DetectionResult detectionPostProcess(const DetectionOptions& o, const std::vector<Anchor>& anchors, const float* boxes, int numBoxes,
                                     int boxStride, const float* scores, int scoreStride, const std::string& who) {
  o.validate(who);
  if (numBoxes <= 0 || boxStride < 4)
    throw Error(ErrorCode::InvalidArgument, who + ": " + std::to_string(numBoxes) + " boxes of " + std::to_string(boxStride) +
                " values (expected boxes of 4 or more)");
  if (size_t(numBoxes) != anchors.size())
    throw Error(ErrorCode::InvalidModel, who + ": " + std::to_string(numBoxes) + " box encodings but " + std::to_string(anchors.size()) +
                " anchors (one anchor per box)");
  const int labelOffset = scoreStride - o.numClasses;
  if (labelOffset != 0 && labelOffset != 1)
    throw Error(ErrorCode::InvalidModel, who + ": " + std::to_string(scoreStride) + " scores per box for num_classes " +
                std::to_string(o.numClasses) + " (expected num_classes, or one more for the background)");
  const std::vector<Corner> decoded = decode(o, anchors, boxes, numBoxes, boxStride);
  for (int i = 0; i < numBoxes; ++i) {
    const Corner& c = decoded[size_t(i)];
    if (!(c.ymin <= c.ymax) || !(c.xmin <= c.xmax))
      throw Error(ErrorCode::InvalidArgument, who + ": box " + std::to_string(i) + " decodes to an inverted or NaN box");
  }
  DetectionResult r;
  const size_t slots = size_t(o.outputBoxes());
  r.boxes.assign(slots * 4, 0.0f);
  r.classes.assign(slots, 0.0f);
  r.scores.assign(slots, 0.0f);
  if (o.useRegularNms) regularNms(o, decoded, scores, scoreStride, labelOffset, r);
  else fastNms(o, decoded, scores, scoreStride, labelOffset, r);
  return r;
}

namespace cpu {

// The inputs as the device part leaves them: boxes {1, N, 1, 4}, scores {1, N, 1, classes}.
HostOutputs runDetectionPostProcess(const Node& node, const HostInputs& inputs) {
  const HostTensor& boxes = *inputs.at(0);
  const HostTensor& scores = *inputs.at(1);
  const std::vector<Shape> shapes = opKind(node.kind).outputShapes(node, {boxes.shape, scores.shape});
  const DetectionParams& p = node.detection();
  const DetectionResult r = detectionPostProcess(p.options, p.anchors, boxes.data.data(), boxes.shape.h, boxes.shape.c,
                                                 scores.data.data(), scores.shape.c, "DetectionPostProcess '" + node.name + "'");
  HostOutputs out;
  for (const Shape& s : shapes) out.emplace_back(s);
  out[0].data = r.boxes;
  out[1].data = r.classes;
  out[2].data = r.scores;
  out[3].data = {r.count};
  return out;
}

QuantizedTensor runIntegerDetectionPostProcess(const Node& node, const QuantizedInputs&) {
  throw Error(ErrorCode::Internal, "DetectionPostProcess '" + node.name +
              "' runs on the host in floats: its inputs are dequantized before it (graph/op_list.h)");
}

}  // namespace cpu
}  // namespace mobilevk
