// Pose estimation: PoseNet through the Network against Coral's reference decoder output (the csv
// beside the model), GPU == integer twin bit for bit, frames recorded by the host, pixels through the
// GPU resize, the C API; PosenetDecoderOp (graph/pose.h) on hand-made heatmaps and offsets (one pose,
// two, the threshold, max_detections, NMS by radius, a mid-range offset followed), its options and
// refusals; poses read from the four outputs, and drawn. (The backbone against LiteRT on every
// shared photo is tests/litert/backbone.mjs.)
#include <doctest/doctest.h>

#include <flatbuffers/flexbuffers.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "graph/pose.h"
#include "helpers.h"
#include "import/importers.h"
#include "mobilevk/error.h"
#include "mobilevk/mobilevk.h"
#include "mobilevk/network.h"
#include "mobilevk/pose.h"

using namespace mobilevk;

namespace {

const char* const kPoseNet = "models/posenet/posenet_mobilenet_v1_075_481_641_16_quant_decoder.tflite";

// The reference decoder's poses on posenet_test_image.bmp: pose_id, pose_score, keypoint_id,
// keypoint_score, keypoint_x, keypoint_y (normalized), one row per keypoint.
std::vector<Pose> referencePoses() {
  std::ifstream in(testing::shared("models/posenet/posenet_mobilenet_v1_075_481_641_16_quant_decoder_reference.csv"));
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "pose_id,pose_score,keypoint_id,keypoint_score,keypoint_x,keypoint_y");
  std::vector<Pose> poses;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::vector<double> v;
    for (std::string cell; std::getline(row, cell, ',');) v.push_back(std::stod(cell));
    REQUIRE(v.size() == 6);
    const size_t id = size_t(v[0]), k = size_t(v[2]);
    REQUIRE(k < size_t(kKeypointCount));
    if (poses.size() <= id) poses.resize(id + 1);
    poses[id].score = float(v[1]);
    poses[id].keypoints[k] = {float(v[4]), float(v[5]), float(v[3])};
  }
  return poses;
}

// The photo as Coral's test gave it to the model (coral/test_utils.cc, ResizeImage): TFLite's float
// RESIZE_BILINEAR with half-pixel centres (the reference kernel's arithmetic), each value then
// converted to uint8 by truncation. The reference poses depend on that input: through
// imagesToTensor's resize the keypoint scores move by up to 0.06.
Image coralResized(const Image& in, int width, int height) {
  Image out;
  out.width = width, out.height = height;
  out.rgb.resize(size_t(width) * size_t(height) * 3);
  const float yScale = float(in.height) / float(height), xScale = float(in.width) / float(width);
  auto source = [](int v, float scale, int size, float& scaled, int& lo, int& hi) {
    scaled = (float(v) + 0.5f) * scale - 0.5f;
    lo = std::max(int(std::floor(scaled)), 0);
    hi = std::min(int(std::ceil(scaled)), size - 1);
  };
  for (int y = 0; y < height; ++y) {
    float sy;
    int y0, y1;
    source(y, yScale, in.height, sy, y0, y1);
    for (int x = 0; x < width; ++x) {
      float sx;
      int x0, x1;
      source(x, xScale, in.width, sx, x0, x1);
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int yy, int xx) { return float(in.rgb[(size_t(yy) * size_t(in.width) + size_t(xx)) * 3 + size_t(c)]); };
        const float dy = sy - float(y0), dx = sx - float(x0);
        const float v = at(y0, x0) * (1 - dy) * (1 - dx) + at(y1, x0) * dy * (1 - dx) + at(y0, x1) * (1 - dy) * dx + at(y1, x1) * dy * dx;
        out.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = uint8_t(v);
      }
    }
  }
  return out;
}

// How far poses may be from the reference: keypoints it scores above 0.5 within `position`
// (normalized) with their scores within `score`; pose scores within `poseScore`.
struct Bar {
  float position, score, poseScore;
};
// From Coral's input, the bar: 0.005 (3 pixels of 640) and 0.01. The reference was made by
// another build of TFLite (its heatmaps are not quite LiteRT's, which ours equal bit for bit): the
// strong keypoints agree within 0.0015 and 0.009, but a weak one can be reached elsewhere (pose 1's
// right wrist, 0.30 in the reference, 0.02 here), which moves its pose's mean score by 0.017.
// (Coral's own test allows 0.04 and 0.1 for pose scores and checks no keypoint score.)
constexpr Bar kCoralInput{0.005f, 0.01f, 0.02f};
// From the photo's pixels resized by the GPU (a PIL-like triangle filter, rounded to the grid)
// rather than Coral's truncated resize: the same positions, keypoint scores within 0.018.
constexpr Bar kGpuResized{0.005f, 0.025f, 0.02f};

void expectReferencePoses(const std::vector<Pose>& found, const Bar& bar) {
  const std::vector<Pose> ref = referencePoses();
  REQUIRE(ref.size() == 2);
  REQUIRE(found.size() == ref.size());
  for (size_t p = 0; p < ref.size(); ++p) {
    CAPTURE(p);
    CHECK(std::fabs(found[p].score - ref[p].score) <= bar.poseScore);
    int checked = 0;
    for (int k = 0; k < kKeypointCount; ++k) {
      const Keypoint& r = ref[p].keypoints[size_t(k)];
      if (r.score <= 0.5f) continue;
      CAPTURE(std::string(keypointName(k)));
      const Keypoint& f = found[p].keypoints[size_t(k)];
      CHECK(std::fabs(f.x - r.x) <= bar.position);
      CHECK(std::fabs(f.y - r.y) <= bar.position);
      CHECK(std::fabs(f.score - r.score) <= bar.score);
      ++checked;
    }
    CHECK(checked >= 10);
  }
}

// Heatmaps, short and mid offsets of a height x width grid: every heatmap logit -10 (no keypoint)
// and every offset 0 until set.
struct Maps {
  int h, w;
  std::vector<float> heat, shorts, mids;
  Maps(int height, int width)
      : h(height), w(width), heat(size_t(h * w * 17), -10.0f), shorts(size_t(h * w * 34), 0.0f), mids(size_t(h * w * 64), 0.0f) {}
  float& heatAt(int y, int x, int k) { return heat[size_t((y * w + x) * 17 + k)]; }
  float& midAt(int y, int x, int c) { return mids[size_t((y * w + x) * 64 + c)]; }
  // A person whose 17 keypoints all peak at cell (y, x) with this logit.
  void person(int y, int x, float logit) {
    for (int k = 0; k < 17; ++k) heatAt(y, x, k) = logit;
  }
  PoseResult decode(const PoseOptions& o) const { return decodePoses(o, heat.data(), shorts.data(), mids.data(), h, w); }
};

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

PoseOptions options(int maxDetections = 20, float threshold = 0.5f, float nmsRadius = 20.0f) {
  PoseOptions o;
  o.maxDetections = maxDetections;
  o.scoreThreshold = threshold;
  o.stride = 16;
  o.nmsRadius = nmsRadius;
  return o;
}

// The four outputs of a model with `slots` detections holding `r` (as Network gives them).
std::vector<HostTensor> outputsOf(const PoseResult& r, int slots) {
  std::vector<HostTensor> outs{HostTensor({1, slots, 17, 2}), HostTensor({1, 1, slots, 17}), HostTensor({1, 1, 1, slots}), HostTensor({1, 1, 1, 1})};
  outs[0].data = r.keypoints;
  outs[1].data = r.keypointScores;
  outs[2].data = r.poseScores;
  outs[3].data = {r.count};
  return outs;
}

}  // namespace

TEST_CASE("PoseNet: Coral's reference poses on the GPU and the integer twin (bit for bit); host-recorded frames, pixels, refusals") {
  const Model model = Model::load(testing::shared(kPoseNet));
  REQUIRE(model.isPoseEstimator());
  CHECK_FALSE(model.isDetector());
  CHECK_FALSE(model.isSegmenter());
  NetworkOptions options;
  options.framesInFlight = 2;
  Network net(testing::context(), model, options);
  REQUIRE(net.integerExecution());
  REQUIRE(net.outputCount() == 4);
  CHECK(net.outputShape(0) == Shape{1, 20, 17, 2});
  CHECK(net.outputShape(3) == Shape{1, 1, 1, 1});
  CHECK_FALSE(net.outputInfo(1).quantized);  // floats from the host

  const Image img = loadImage(testing::shared("images/posenet_test_image.bmp"));
  const HostTensor tensor = imagesToTensor({coralResized(img, model.input().width, model.input().height)}, model.input());
  const std::vector<HostTensor> outs = net.runOutputs(tensor);
  const std::vector<HostTensor> twin = runIntegerReferenceOutputs(model, tensor);
  REQUIRE(outs.size() == 4);
  for (size_t i = 0; i < 4; ++i) CHECK(outs[i].data == twin[i].data);  // bit for bit
  const int inW = model.input().width, inH = model.input().height;
  CHECK(inW == 641);
  CHECK(inH == 481);
  const std::vector<Pose> poses = posesFromOutputs(outs, inW, inH);
  expectReferencePoses(poses, kCoralInput);
  CHECK(net.poses().size() == poses.size());
  CHECK(net.poses(0.8f).size() == 1);
  CHECK(net.hostMilliseconds() > 0.0);

  // Frame 1 recorded into the host's own command buffer: the decoder runs on its outputs.
  testing::runHostRecordedIntegerFrame(net, model, tensor, 1);
  const std::vector<Pose> fromFrame = net.poses(0.0f, 1);
  REQUIRE(fromFrame.size() == poses.size());
  CHECK(fromFrame[1].keypoints[5].x == poses[1].keypoints[5].x);
  CHECK(fromFrame[0].score == poses[0].score);

  // The photo's pixels through the GPU resize (640x480 to 641x481).
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  expectReferencePoses(net.estimatePoses(rgba.data(), uint32_t(img.width), uint32_t(img.height)), kGpuResized);

  // Batch 2: the decoder takes one image, refused at construction; a classifier is no pose estimator.
  NetworkOptions batch;
  batch.batch = 2;
  CHECK_THROWS_WITH_AS(Network(testing::context(), model, batch), doctest::Contains("one image"), Error);
  const Model classifierModel = Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  CHECK_FALSE(classifierModel.isPoseEstimator());
  Network classifier(testing::context(), classifierModel);
  CHECK_THROWS_WITH_AS(classifier.poses(), doctest::Contains("not a pose estimator"), Error);
  CHECK_THROWS_WITH_AS(classifier.estimatePoses(rgba.data(), uint32_t(img.width), uint32_t(img.height)),
                       doctest::Contains("not a pose estimator"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("C API: mvk_pose and mvk_read_poses") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(testing::shared(kPoseNet).c_str(), &model) == MVK_OK);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
  const Image img = loadImage(testing::shared("images/posenet_test_image.bmp"));
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  mvk_body_pose found[4];
  size_t count = 0;
  REQUIRE(mvk_pose(net, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), 0.0f, found, 4, &count) == MVK_OK);
  REQUIRE(count == 2);
  std::vector<Pose> asCpp(2);
  for (size_t p = 0; p < 2; ++p) {
    asCpp[p].score = found[p].score;
    for (int k = 0; k < MVK_KEYPOINT_COUNT; ++k)
      asCpp[p].keypoints[size_t(k)] = {found[p].keypoints[k].x, found[p].keypoints[k].y, found[p].keypoints[k].score};
  }
  expectReferencePoses(asCpp, kGpuResized);
  mvk_body_pose one[1];
  size_t again = 0;
  REQUIRE(mvk_read_poses(net, 0, 0.0f, one, 1, &again) == MVK_OK);
  CHECK(again == 2);  // the count of all; only the first written
  CHECK(one[0].score == found[0].score);
  CHECK(one[0].keypoints[16].y == found[0].keypoints[16].y);
  CHECK(mvk_read_poses(net, 0, 0.85f, nullptr, 0, &again) == MVK_OK);
  CHECK(again == 1);
  CHECK(std::string(mvk_keypoint_name(0)) == "nose");
  CHECK(std::string(mvk_keypoint_name(16)) == "right_ankle");
  CHECK(mvk_keypoint_name(17) == nullptr);
  CHECK(mvk_keypoint_name(-1) == nullptr);
  CHECK(mvk_pose(net, rgba.data(), 10, uint32_t(img.width), uint32_t(img.height), 0.0f, found, 4, &count) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("rgba_size is 10") != std::string::npos);
  CHECK(mvk_pose(net, rgba.data(), rgba.size(), 0, 1, 0.0f, found, 4, &count) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_pose(net, rgba.data(), rgba.size(), 1, 1, 0.0f, nullptr, 3, &count) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_read_poses(nullptr, 0, 0.0f, found, 4, &count) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_network_destroy(net);
  mvk_model classifierModel = nullptr;
  REQUIRE(mvk_model_load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &classifierModel) == MVK_OK);
  mvk_network classifier = nullptr;
  REQUIRE(mvk_network_create(ctx, classifierModel, 0, &classifier) == MVK_OK);
  CHECK(mvk_pose(classifier, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), 0.0f, found, 4, &count) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("not a pose estimator") != std::string::npos);
  mvk_network_destroy(classifier);
  mvk_model_destroy(classifierModel);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}

TEST_CASE("pose decoder: one person, two, the threshold, max_detections, NMS radius, nothing to find") {
  // One person at cell (4, 4): every keypoint there, scored sigmoid(5), at 16 * 4 input pixels.
  Maps one(9, 11);
  one.person(4, 4, 5.0f);
  PoseResult r = one.decode(options());
  REQUIRE(r.count == 1.0f);
  CHECK(r.poseScores[0] == doctest::Approx(sigmoid(5.0f)));
  for (int k = 0; k < 17; ++k) {
    CHECK(r.keypoints[size_t(2 * k)] == 64.0f);      // y
    CHECK(r.keypoints[size_t(2 * k + 1)] == 64.0f);  // x
    CHECK(r.keypointScores[size_t(k)] == doctest::Approx(sigmoid(5.0f)));
  }
  CHECK(r.poseScores[1] == 0.0f);  // the slots past the count stay zero
  CHECK(r.keypoints.size() == size_t(20 * 17 * 2));

  // Two people, 4 cells apart: both found, the better first.
  Maps two(9, 11);
  two.person(6, 8, 3.0f);
  two.person(2, 2, 5.0f);
  r = two.decode(options());
  REQUIRE(r.count == 2.0f);
  CHECK(r.poseScores[0] == doctest::Approx(sigmoid(5.0f)));
  CHECK(r.poseScores[1] == doctest::Approx(sigmoid(3.0f)));
  CHECK(r.keypoints[0] == 32.0f);
  CHECK(r.keypoints[size_t(17 * 2)] == 96.0f);       // pose 1, nose y
  CHECK(r.keypoints[size_t(17 * 2 + 1)] == 128.0f);  // pose 1, nose x
  // max_detections 1 keeps the better; a threshold above sigmoid(3) = 0.953 drops the other.
  CHECK(two.decode(options(1)).count == 1.0f);
  CHECK(two.decode(options(1)).poseScores[0] == doctest::Approx(sigmoid(5.0f)));
  CHECK(two.decode(options(20, 0.96f)).count == 1.0f);
  CHECK(two.decode(options(20, 0.9999f)).count == 0.0f);

  // Two people 2 cells (32 pixels) apart: kept with an NMS radius of 20 pixels, the second one's
  // seeds suppressed with a radius of 40.
  Maps near(9, 11);
  near.person(4, 4, 5.0f);
  near.person(4, 6, 4.0f);
  CHECK(near.decode(options(20, 0.5f, 20.0f)).count == 2.0f);
  CHECK(near.decode(options(20, 0.5f, 40.0f)).count == 1.0f);
  CHECK(near.decode(options(20, 0.5f, 32.0f)).count == 1.0f);  // exactly at the radius: suppressed

  // A mid-range offset followed: the nose at (2, 2), its left eye 2 cells right, reached by edge 0
  // (nose -> left eye, forward) whose x offset at the nose is 32 pixels. The left ear (edge 1 from
  // the eye) is looked for where the eye is and has nothing there.
  Maps chain(6, 8);
  chain.person(2, 2, 5.0f);
  chain.heatAt(2, 2, 1) = -10.0f;  // the left eye and ear are not at the nose
  chain.heatAt(2, 2, 3) = -10.0f;
  chain.heatAt(2, 4, 1) = 4.0f;
  chain.midAt(2, 2, 16) = 32.0f;  // channels: 16 forward y, then 16 forward x
  r = chain.decode(options(1, 0.3f));
  REQUIRE(r.count == 1.0f);
  CHECK(r.keypoints[2 * 1] == 32.0f);      // left eye y
  CHECK(r.keypoints[2 * 1 + 1] == 64.0f);  // left eye x
  CHECK(r.keypointScores[1] == doctest::Approx(sigmoid(4.0f)));
  CHECK(r.keypoints[2 * 3 + 1] == 64.0f);  // left ear x, where the eye led
  CHECK(r.keypointScores[3] == doctest::Approx(sigmoid(-10.0f)));

  // Nothing above the threshold: no pose, every slot zero.
  Maps empty(5, 5);
  r = empty.decode(options());
  CHECK(r.count == 0.0f);
  for (float v : r.keypoints) CHECK(v == 0.0f);
}

TEST_CASE("pose decoder options from flexbuffers, and their refusals") {
  auto map = [](const std::function<void(flexbuffers::Builder&)>& put, const char* leftOut) {
    flexbuffers::Builder b;
    b.Map([&]() {
      if (std::string(leftOut) != "max_detections") b.Int("max_detections", 20);
      if (std::string(leftOut) != "score_threshold") b.Float("score_threshold", 0.2f);
      if (std::string(leftOut) != "stride") b.Int("stride", 16);
      if (std::string(leftOut) != "nms_radius") b.Float("nms_radius", 10.0f);
      put(b);
    });
    b.Finish();
    return b.GetBuffer();
  };
  const std::vector<uint8_t> good = map([](flexbuffers::Builder&) {}, "");
  const PoseOptions o = parsePoseOptions(good.data(), good.size(), "op");
  CHECK(o.maxDetections == 20);
  CHECK(o.scoreThreshold == 0.2f);
  CHECK(o.stride == 16);
  CHECK(o.nmsRadius == 10.0f);
  const std::vector<std::pair<std::vector<uint8_t>, const char*>> refused = {
      {map([](flexbuffers::Builder& b) { b.Int("max_detections", 0); }, "max_detections"), "max_detections is 0"},
      {map([](flexbuffers::Builder& b) { b.Float("score_threshold", 1.0f); }, "score_threshold"), "score_threshold"},
      {map([](flexbuffers::Builder& b) { b.Int("stride", -16); }, "stride"), "stride is -16"},
      {map([](flexbuffers::Builder& b) { b.Float("nms_radius", -1.0f); }, "nms_radius"), "nms_radius"},
      {map([](flexbuffers::Builder&) {}, "stride"), "'stride' is missing"},
      {map([](flexbuffers::Builder& b) { b.String("nms_radius", "ten"); }, "nms_radius"), "'nms_radius' is not a number"},
  };
  for (const auto& [bytes, what] : refused) {
    CAPTURE(what);
    CHECK_THROWS_WITH_AS(parsePoseOptions(bytes.data(), bytes.size(), "op"), doctest::Contains(what), Error);
  }
  const std::vector<uint8_t> garbage{1, 2, 3};
  CHECK_THROWS_WITH_AS(parsePoseOptions(garbage.data(), garbage.size(), "op"), doctest::Contains("flexbuffer"), Error);
}

TEST_CASE("poses from the four outputs: normalized, threshold, sizes checked; names; drawn skeletons") {
  Maps two(9, 11);
  two.person(2, 2, 5.0f);
  two.person(6, 8, 3.0f);
  std::vector<HostTensor> outs = outputsOf(two.decode(options(3)), 3);
  // A 177 x 161 input: cell (2, 2) is 32 input pixels in, normalized by the input's size.
  const std::vector<Pose> poses = posesFromOutputs(outs, 177, 161);
  REQUIRE(poses.size() == 2);
  CHECK(poses[0].score > poses[1].score);
  CHECK(poses[0].keypoints[0].x == doctest::Approx(32.0 / 177));
  CHECK(poses[0].keypoints[0].y == doctest::Approx(32.0 / 161));
  CHECK(poses[1].keypoints[16].x == doctest::Approx(128.0 / 177));
  CHECK(poses[1].keypoints[16].y == doctest::Approx(96.0 / 161));
  CHECK(poses[1].keypoints[16].score == doctest::Approx(sigmoid(3.0f)));
  CHECK(posesFromOutputs(outs, 177, 161, 0.96f).size() == 1);
  std::vector<HostTensor> bad = outs;
  bad[3].data = {4};
  CHECK_THROWS_WITH_AS(posesFromOutputs(bad, 177, 161), doctest::Contains("count"), Error);
  bad = outs;
  bad[1] = HostTensor({1, 1, 3, 16});
  CHECK_THROWS_AS(posesFromOutputs(bad, 177, 161), Error);
  bad.pop_back();
  CHECK_THROWS_AS(posesFromOutputs(bad, 177, 161), Error);

  CHECK(std::string(keypointName(5)) == "left_shoulder");
  CHECK_THROWS_AS(keypointName(17), Error);
  CHECK(skeletonEdges().size() == 16);
  for (const auto& e : skeletonEdges()) {
    CHECK(e[0] >= 0);
    CHECK(e[1] < kKeypointCount);
  }

  // Drawing on a 100 x 80 image: a pose whose keypoints all sit at (0.25, 0.5) except the left
  // wrist at (0.75, 0.5): the left forearm (elbow -> wrist) is a line in the pose's colour from
  // x 25 to 75 on row 40; a keypoint below the keypoint threshold draws nothing.
  Image image;
  image.width = 100, image.height = 80;
  image.rgb.assign(size_t(100 * 80 * 3), 128);
  Pose p;
  p.score = 0.9f;
  for (auto& k : p.keypoints) k = {0.25f, 0.5f, 0.9f};
  p.keypoints[9] = {0.75f, 0.5f, 0.9f};   // left wrist
  p.keypoints[16] = {0.9f, 0.9f, 0.1f};   // right ankle, too unsure to draw
  drawPoses(image, {p});
  uint8_t rgb[3];
  poseColour(0, rgb);
  const auto at = [&](int x, int y) { return &image.rgb[size_t((y * 100 + x) * 3)]; };
  for (int x : {40, 50, 60}) {
    CAPTURE(x);
    CHECK(at(x, 40)[0] == rgb[0]);
    CHECK(at(x, 40)[1] == rgb[1]);
    CHECK(at(x, 40)[2] == rgb[2]);
  }
  CHECK(at(50, 10)[0] == 128);  // far from the skeleton
  CHECK(at(90, 72)[1] == 128);  // the right ankle left out
}
