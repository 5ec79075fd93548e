// TFLite_Detection_PostProcess (graph/detection.h) on hand-made anchors, encodings and scores:
// decoding against a hand computation, fast and regular NMS with ties, IoU exactly at the threshold,
// fewer candidates than max_detections, nothing above the threshold; its options from flexbuffers
// and the refusals; detections read from the outputs, and drawn. (The real file against LiteRT is
// tests/litert/detect.mjs.)
#include <doctest/doctest.h>

#include <flatbuffers/flexbuffers.h>

#include <cmath>
#include <cstring>
#include <functional>

#include "graph/detection.h"
#include "import/importers.h"
#include "mobilevk/detection.h"
#include "mobilevk/error.h"
#include "mobilevk/mobilevk.h"
#include "mobilevk/network.h"
#include "helpers.h"
#include "internal_access.h"
#include "ops/integer_op.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {

// Boxes whose encodings are zero decode to their anchors: centre (y, x), size (h, w).
struct Scene {
  std::vector<Anchor> anchors;
  std::vector<float> boxes;   // 4 per anchor
  std::vector<float> scores;  // (classes + 1) per anchor, the background first
  int classes;
  void add(Anchor a, std::vector<float> classScores) {
    anchors.push_back(a);
    boxes.insert(boxes.end(), {0, 0, 0, 0});
    scores.push_back(0.0f);  // background
    scores.insert(scores.end(), classScores.begin(), classScores.end());
  }
  DetectionResult run(const DetectionOptions& o) const {
    return detectionPostProcess(o, anchors, boxes.data(), int(anchors.size()), 4, scores.data(), classes + 1, "test");
  }
};

DetectionOptions options(int maxDetections, int classes, float iou = 0.5f, float score = 0.1f) {
  DetectionOptions o;
  o.maxDetections = maxDetections;
  o.numClasses = classes;
  o.iouThreshold = iou;
  o.scoreThreshold = score;
  return o;
}

}  // namespace

TEST_CASE("post-process decoding: centre-size encodings against the anchors, in LiteRT's arithmetic") {
  const DetectionOptions o = options(1, 1, 0.5f, 0.0f);
  const std::vector<Anchor> anchors{{0.5f, 0.25f, 0.2f, 0.4f}};
  const std::vector<float> boxes{1.0f, -2.0f, 0.5f, -1.0f};
  const std::vector<float> scores{0.0f, 0.9f};
  const DetectionResult r = detectionPostProcess(o, anchors, boxes.data(), 1, 4, scores.data(), 2, "decode");
  // ycenter = y / 10 * h + ay, xcenter = x / 10 * w + ax; half sizes 0.5 * exp(h / 5) * ah, 0.5 * exp(w / 5) * aw.
  const double yc = 1.0 / 10 * 0.2f + 0.5f, xc = -2.0 / 10 * 0.4f + 0.25f;
  const double hh = 0.5 * std::exp(0.5 / 5) * 0.2f, hw = 0.5 * std::exp(-1.0 / 5) * 0.4f;
  CHECK(r.count == 1);
  CHECK(r.boxes[0] == float(float(yc) - float(hh)));
  CHECK(r.boxes[1] == float(float(xc) - float(hw)));
  CHECK(r.boxes[2] == float(float(yc) + float(hh)));
  CHECK(r.boxes[3] == float(float(xc) + float(hw)));
  CHECK(r.classes[0] == 0);
  CHECK(r.scores[0] == 0.9f);
}

TEST_CASE("fast NMS: best class per box, ties kept in box order, IoU at the threshold kept, above it dropped") {
  Scene s;
  s.classes = 3;
  // Dyadic anchors, so every decoded corner and area is exact: box 0 is [0.25, 0.25, 0.75, 0.75].
  s.add({0.5f, 0.5f, 0.5f, 0.5f}, {0.1f, 0.8f, 0.3f});    // best class 1
  s.add({0.5f, 0.5f, 0.5f, 0.5f}, {0.7f, 0.2f, 0.0f});    // the same box, lower: suppressed (IoU 1)
  // Shifted by half its width: intersection 0.125, union 0.375, IoU fl(1/3).
  s.add({0.5f, 0.75f, 0.5f, 0.5f}, {0.6f, 0.6f, 0.0f});   // classes 0 and 1 tie: the first wins
  s.add({0.125f, 0.875f, 0.125f, 0.125f}, {0.0f, 0.0f, 0.8f});  // ties box 0's 0.8, far away: after it
  s.add({0.875f, 0.125f, 0.125f, 0.125f}, {0.05f, 0.05f, 0.05f});  // below the score threshold
  const float iou = 0.125f / 0.375f;
  const DetectionResult r = s.run(options(10, 3, iou, 0.1f));  // IoU equal to the threshold: kept
  REQUIRE(r.count == 3);
  CHECK(r.classes[0] == 1);
  CHECK(r.scores[0] == 0.8f);
  CHECK(r.boxes[0] == 0.25f);
  CHECK(r.boxes[3] == 0.75f);
  CHECK(r.classes[1] == 2);  // box 3, equal score, later index
  CHECK(r.boxes[4] == 0.0625f);
  CHECK(r.classes[2] == 0);
  CHECK(r.scores[2] == 0.6f);
  CHECK(r.boxes[8 + 1] == 0.5f);
  for (size_t i = 3; i < 10; ++i) CHECK(r.scores[i] == 0.0f);  // unused slots are zero
  // A threshold one float below that IoU drops box 2 as well.
  CHECK(s.run(options(10, 3, std::nextafter(iou, 0.0f), 0.1f)).count == 2);
}

TEST_CASE("post-process: fewer candidates than max_detections, none above the threshold, max_detections caps") {
  Scene s;
  s.classes = 2;
  s.add({0.2f, 0.2f, 0.1f, 0.1f}, {0.9f, 0.1f});
  s.add({0.8f, 0.8f, 0.1f, 0.1f}, {0.1f, 0.7f});
  s.add({0.2f, 0.8f, 0.1f, 0.1f}, {0.5f, 0.4f});
  CHECK(s.run(options(10, 2)).count == 3);
  CHECK(s.run(options(10, 2, 0.5f, 0.95f)).count == 0);  // all below threshold
  const DetectionResult two = s.run(options(2, 2));
  CHECK(two.count == 2);
  CHECK(two.scores[0] == 0.9f);
  CHECK(two.scores[1] == 0.7f);
  CHECK(two.boxes.size() == 8);
  // Two classes per detection: each selected box gives both, best first.
  DetectionOptions both = options(3, 2);
  both.maxClassesPerDetection = 2;
  const DetectionResult r = s.run(both);
  CHECK(r.classes.size() == 6);
  CHECK(r.count == 3);  // LiteRT counts boxes, not box-class pairs
  CHECK(r.classes[0] == 0);
  CHECK(r.classes[1] == 1);
  CHECK(r.scores[1] == 0.1f);
}

TEST_CASE("regular NMS: per class, merged by score; a box may be kept for two classes") {
  Scene s;
  s.classes = 2;
  s.add({0.5f, 0.5f, 0.2f, 0.2f}, {0.9f, 0.6f});
  s.add({0.5f, 0.5f, 0.2f, 0.2f}, {0.8f, 0.7f});  // same box: suppressed within each class
  s.add({0.1f, 0.1f, 0.1f, 0.1f}, {0.3f, 0.65f});
  DetectionOptions o = options(10, 2);
  o.useRegularNms = true;
  const DetectionResult r = s.run(o);
  REQUIRE(r.count == 4);
  // class 0: box 0 (0.9), box 2 (0.3); class 1: box 1 (0.7), box 2 (0.65); merged by score.
  CHECK(r.scores[0] == 0.9f);
  CHECK(r.classes[0] == 0);
  CHECK(r.scores[1] == 0.7f);
  CHECK(r.classes[1] == 1);
  CHECK(r.scores[2] == 0.65f);
  CHECK(r.scores[3] == 0.3f);
  o.detectionsPerClass = 1;
  CHECK(s.run(o).count == 2);
  o.maxDetections = 1;
  CHECK(s.run(o).count == 1);
}

TEST_CASE("post-process options: read from the custom op's flexbuffer map, absurd ones refused by name") {
  auto build = [](const std::function<void(flexbuffers::Builder&)>& edit) {
    flexbuffers::Builder b;
    b.Map([&]() {
      b.Int("max_detections", 10);
      b.Int("max_classes_per_detection", 1);
      b.Float("nms_score_threshold", 1e-8f);
      b.Float("nms_iou_threshold", 0.6f);
      b.Int("num_classes", 90);
      b.Float("y_scale", 10.0f);
      b.Float("x_scale", 10.0f);
      b.Float("h_scale", 5.0f);
      b.Float("w_scale", 5.0f);
      edit(b);
    });
    b.Finish();
    return b.GetBuffer();
  };
  const auto ok = build([](flexbuffers::Builder&) {});
  const DetectionOptions d = parseDetectionOptions(ok.data(), ok.size(), "op");
  CHECK(d.maxDetections == 10);
  CHECK(d.numClasses == 90);
  CHECK(d.iouThreshold == 0.6f);
  CHECK(d.detectionsPerClass == 100);  // LiteRT's default
  CHECK_FALSE(d.useRegularNms);
  const auto regular = build([](flexbuffers::Builder& b) {
    b.Bool("use_regular_nms", true);
    b.Int("detections_per_class", 5);
  });
  CHECK(parseDetectionOptions(regular.data(), regular.size(), "op").useRegularNms);
  // Each refused map: the valid one with one key left out, or replaced by `put`'s value.
  auto without = [](const char* key, const std::function<void(flexbuffers::Builder&)>& put) {
    flexbuffers::Builder b;
    b.Map([&]() {
      for (const char* k : {"max_detections", "max_classes_per_detection", "nms_score_threshold", "nms_iou_threshold", "num_classes",
                            "y_scale", "x_scale", "h_scale", "w_scale"}) {
        if (std::string(k) == key) continue;
        if (std::string(k).find("scale") != std::string::npos || std::string(k).find("threshold") != std::string::npos) b.Float(k, 0.5f);
        else b.Int(k, 5);
      }
      put(b);
    });
    b.Finish();
    return b.GetBuffer();
  };
  const std::vector<std::pair<std::vector<uint8_t>, const char*>> refused = {
      {without("num_classes", [](flexbuffers::Builder& b) { b.Int("num_classes", 0); }), "num_classes"},
      {without("nms_score_threshold", [](flexbuffers::Builder& b) { b.Float("nms_score_threshold", -0.1f); }), "nms_score_threshold"},
      {without("nms_iou_threshold", [](flexbuffers::Builder& b) { b.Float("nms_iou_threshold", 0.0f); }), "nms_iou_threshold"},
      {without("nms_iou_threshold", [](flexbuffers::Builder& b) { b.Float("nms_iou_threshold", 1.5f); }), "nms_iou_threshold"},
      {without("max_detections", [](flexbuffers::Builder& b) { b.Int("max_detections", -3); }), "max_detections"},
      {without("max_classes_per_detection", [](flexbuffers::Builder& b) { b.Int("max_classes_per_detection", 6); }),
       "max_classes_per_detection"},
      {without("h_scale", [](flexbuffers::Builder& b) { b.Float("h_scale", 0.0f); }), "scale"},
      {without("y_scale", [](flexbuffers::Builder&) {}), "'y_scale' is missing"},
      {without("num_classes", [](flexbuffers::Builder& b) { b.String("num_classes", "ninety"); }), "'num_classes' is not a number"},
  };
  for (const auto& [bytes, name] : refused) {
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(parseDetectionOptions(bytes.data(), bytes.size(), "op"), doctest::Contains(name), Error);
  }
  const std::vector<uint8_t> garbage{1, 2, 3};
  CHECK_THROWS_WITH_AS(parseDetectionOptions(garbage.data(), garbage.size(), "op"), doctest::Contains("flexbuffer"), Error);
  // More anchors than box encodings (or fewer): one anchor per box.
  Scene s;
  s.classes = 1;
  s.add({0.5f, 0.5f, 0.1f, 0.1f}, {0.9f});
  s.anchors.push_back({0.1f, 0.1f, 0.1f, 0.1f});
  CHECK_THROWS_WITH_AS(detectionPostProcess(options(1, 1), s.anchors, s.boxes.data(), 1, 4, s.scores.data(), 2, "op"),
                       doctest::Contains("2 anchors"), Error);
}

TEST_CASE("detections from the four outputs: threshold, count, sizes checked") {
  std::vector<HostTensor> outs{HostTensor({1, 3, 1, 4}), HostTensor({1, 1, 1, 3}), HostTensor({1, 1, 1, 3}), HostTensor({1, 1, 1, 1})};
  outs[0].data = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0, 0, 0, 0};
  outs[1].data = {17, 0, 0};
  outs[2].data = {0.9f, 0.4f, 0.0f};
  outs[3].data = {2};
  const auto all = detectionsFromOutputs(outs, 0.0f);
  REQUIRE(all.size() == 2);
  CHECK(all[0].classId == 17);
  CHECK(all[0].xmin == 0.2f);
  CHECK(all[1].ymax == 0.7f);
  CHECK(detectionsFromOutputs(outs, 0.5f).size() == 1);
  outs[3].data = {7};
  CHECK_THROWS_WITH_AS(detectionsFromOutputs(outs, 0.0f), doctest::Contains("count"), Error);
  outs.pop_back();
  CHECK_THROWS_AS(detectionsFromOutputs(outs, 0.0f), Error);
  // Drawing: the box edge takes the class colour, pixels inside stay.
  Image image;
  image.width = 40, image.height = 30;
  image.rgb.assign(size_t(40 * 30 * 3), 128);
  const Detection d{5, 0.9f, 0.5f, 0.25f, 0.9f, 0.75f};
  drawDetections(image, {d}, {});
  uint8_t rgb[3];
  detectionColour(5, rgb);
  const auto at = [&](int x, int y) { return &image.rgb[size_t((y * 40 + x) * 3)]; };
  const int x0 = int(std::lround(0.25 * 39)), y1 = int(std::lround(0.9 * 29));
  CHECK(at(x0, 20)[0] == rgb[0]);
  CHECK(at(x0, 20)[1] == rgb[1]);
  CHECK(at(20, y1)[2] == rgb[2]);
  CHECK(at(20, 20)[0] == 128);
  CHECK(encodePng(image).size() > 8);
}

// ---- The real SSD file through the Network, the embedding path and the C API ----

namespace {
constexpr int kDog = 17;  // labels/coco_90.txt, counting lines from 0
}  // namespace

TEST_CASE("SSD detector: host tail after the device part; frames recorded by the host; the twin; outputs and refusals") {
  const Model model = Model::load(testing::shared("models/ssd_mobilenet_v1_coco_quant_postprocess.tflite"));
  REQUIRE(model.isDetector());
  CHECK(model.detectorClasses() == 90);
  CHECK_FALSE(Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite")).isDetector());
  NetworkOptions options;
  options.framesInFlight = 2;
  Network net(testing::context(), model, options);
  REQUIRE(net.integerExecution());
  REQUIRE(net.outputCount() == 4);
  CHECK(net.outputShape(0) == Shape{1, 10, 1, 4});
  CHECK(net.outputShape(3) == Shape{1, 1, 1, 1});
  CHECK(net.outputInfo(1).name == "TFLite_Detection_PostProcess:1");
  CHECK_FALSE(net.outputInfo(2).quantized);  // floats from the host
  CHECK_THROWS_WITH_AS(net.outputTensor(size_t(0), 0), doctest::Contains("computed on the host"), Error);

  const Image img = loadImage(testing::shared("images/pets.jpg"));
  const HostTensor tensor = imagesToTensor({img}, model.input());
  const std::vector<HostTensor> outs = net.runOutputs(tensor);
  const std::vector<HostTensor> twin = runIntegerReferenceOutputs(model, tensor);
  REQUIRE(outs.size() == 4);
  for (size_t i = 0; i < 4; ++i) CHECK(outs[i].data == twin[i].data);  // bit for bit
  const auto dogs = detectionsFromOutputs(outs, 0.5f);
  REQUIRE(dogs.size() == 2);
  CHECK(dogs[0].classId == kDog);
  CHECK(dogs[1].classId == kDog);
  CHECK(net.hostMilliseconds() > 0.0);

  // Frame 1 recorded into the host's own command buffer (input written by a copy), then its
  // detections read through the API: the post-process runs on that frame's device outputs.
  testing::runHostRecordedIntegerFrame(net, model, tensor, 1);
  const auto fromFrame = net.detections(0.5f, 1);
  REQUIRE(fromFrame.size() == 2);
  CHECK(fromFrame[0].ymin == dogs[0].ymin);
  CHECK(fromFrame[1].score == dogs[1].score);
  CHECK(net.readOutput(size_t(3), 1).data == outs[3].data);

  // Pixels through the GPU resize find the same two dogs.
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  const auto fromPixels = net.detect(rgba.data(), uint32_t(img.width), uint32_t(img.height), 0.5f);
  REQUIRE(fromPixels.size() == 2);
  CHECK(fromPixels[0].classId == kDog);

  // Batch 2: the post-process takes one image, refused by name at construction.
  NetworkOptions batch;
  batch.batch = 2;
  CHECK_THROWS_WITH_AS(Network(testing::context(), model, batch), doctest::Contains("one image"), Error);
  // A classifier is no detector.
  Network classifier(testing::context(), Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite")));
  CHECK_THROWS_WITH_AS(classifier.detections(), doctest::Contains("not a detector"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("C API: mvk_detect and mvk_read_detections") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(testing::shared("models/ssd_mobilenet_v1_coco_quant_postprocess.tflite").c_str(), &model) == MVK_OK);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
  CHECK(mvk_network_output_count(net) == 4);
  const Image img = loadImage(testing::shared("images/pets.jpg"));
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  mvk_detection found[10];
  size_t count = 0;
  REQUIRE(mvk_detect(net, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), 0.5f, found, 10, &count) == MVK_OK);
  REQUIRE(count == 2);
  CHECK(found[0].class_id == kDog);
  CHECK(found[0].score >= found[1].score);
  CHECK(found[0].ymin < found[0].ymax);
  mvk_detection one[1];
  size_t again = 0;
  REQUIRE(mvk_read_detections(net, 0, 0.5f, one, 1, &again) == MVK_OK);
  CHECK(again == 2);  // the count of all; only the first written
  CHECK(one[0].score == found[0].score);
  CHECK(mvk_read_detections(net, 0, 0.0f, nullptr, 0, &again) == MVK_OK);
  CHECK(again == 10);  // everything the post-process kept
  CHECK(mvk_detect(net, rgba.data(), 10, uint32_t(img.width), uint32_t(img.height), 0.5f, found, 10, &count) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_detect(net, rgba.data(), rgba.size(), 1, 1, 0.5f, nullptr, 3, &count) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_read_detections(nullptr, 0, 0.5f, found, 10, &count) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_network_destroy(net);
  mvk_model classifierModel = nullptr;
  REQUIRE(mvk_model_load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &classifierModel) == MVK_OK);
  mvk_network classifier = nullptr;
  REQUIRE(mvk_network_create(ctx, classifierModel, 0, &classifier) == MVK_OK);
  CHECK(mvk_detect(classifier, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), 0.5f, found, 10, &count) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("not a detector") != std::string::npos);
  mvk_network_destroy(classifier);
  mvk_model_destroy(classifierModel);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}
