// Segmentation: DeepLabV3 through the Network (GPU == integer twin pixel for pixel; Coral's
// reference mask), a frame recorded by the host, the class-map API and its refusals, the C API; the
// class shares, colours and blending on hand-made maps. (Every shared photo against LiteRT is
// tests/litert/segment.mjs.)
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/mobilevk.h"
#include "mobilevk/network.h"
#include "mobilevk/segmentation.h"

using namespace mobilevk;

namespace {
constexpr int kBird = 3;  // labels/pascal_voc_21.txt, counting lines from 0

// Coral's bird_segmentation_mask.bmp: an 8-bit BMP (grey palette), each byte the pixel's class;
// stb gives the palette entry, whose red is the byte.
IndexTensor referenceMask() {
  const Image mask = loadImage(testing::shared("images/bird_segmentation_mask.bmp"));
  IndexTensor t{{1, mask.height, mask.width, 1}, std::vector<int32_t>(size_t(mask.width) * mask.height)};
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = mask.rgb[3 * i];
  return t;
}

double agreement(const IndexTensor& a, const IndexTensor& b) {
  REQUIRE(a.shape == b.shape);
  size_t same = 0;
  for (size_t i = 0; i < a.data.size(); ++i) same += a.data[i] == b.data[i];
  return double(same) / double(a.data.size());
}
}  // namespace

TEST_CASE("DeepLabV3: class map on the GPU == the integer twin, >= 97% of Coral's mask; host-recorded frames, refusals") {
  const Model model = Model::load(testing::shared("models/deeplabv3_mnv2_pascal_quant.tflite"));
  REQUIRE(model.isSegmenter());
  CHECK(model.segmenterClasses() == 21);
  CHECK_FALSE(model.isDetector());
  CHECK(model.outputShape() == Shape{1, 513, 513, 1});
  NetworkOptions options;
  options.framesInFlight = 2;
  Network net(testing::context(), model, options);
  REQUIRE(net.integerExecution());
  const OutputInfo info = net.outputInfo(0);
  CHECK(info.indices);
  CHECK(info.quantized);  // stored as bytes of the index grid
  CHECK(info.quantization.scale == 1.0f);
  CHECK(info.quantization.zeroPoint == 0);

  const Image img = loadImage(testing::shared("images/bird_segmentation.bmp"));
  const HostTensor tensor = imagesToTensor({img}, model.input());
  const HostTensor out = net.run(tensor);
  const IndexTensor map = net.classMap();
  CHECK(map.shape == Shape{1, 513, 513, 1});
  CHECK(map.data == indicesFromFloats(runIntegerReferenceOutputs(model, tensor).at(0)).data);  // pixel for pixel
  CHECK(map.data == indicesFromFloats(out).data);
  CHECK(net.readIndices(0).data == map.data);
  const double withMask = agreement(map, referenceMask());
  MESSAGE("agreement with Coral's reference mask: " << withMask);
  CHECK(withMask >= 0.97);
  const std::vector<double> shares = classShares(map, 21);
  CHECK(shares[0] > 0.7);
  CHECK(shares[kBird] > 0.15);
  CHECK(shares[0] + shares[kBird] == doctest::Approx(1.0));

  // Frame 1 recorded into the host's own command buffer: the same map read from it.
  testing::runHostRecordedIntegerFrame(net, model, tensor, 1);
  CHECK(net.classMap(1).data == map.data);
  // Pixels through the GPU resize (513x513 to 513x513: a copy) give the same map.
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  CHECK(net.segment(rgba.data(), uint32_t(img.width), uint32_t(img.height)).data == map.data);

  // A classifier is no segmenter, and its output holds no indices.
  const Model classifierModel = Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  CHECK_FALSE(classifierModel.isSegmenter());
  CHECK(classifierModel.segmenterClasses() == 0);
  Network classifier(testing::context(), classifierModel);
  CHECK_FALSE(classifier.outputInfo(0).indices);
  CHECK_THROWS_WITH_AS(classifier.classMap(), doctest::Contains("not a segmenter"), Error);
  CHECK_THROWS_WITH_AS(classifier.readIndices(0), doctest::Contains("holds no class indices"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("C API: mvk_segment and mvk_read_class_map") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(testing::shared("models/deeplabv3_mnv2_pascal_quant.tflite").c_str(), &model) == MVK_OK);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
  mvk_output_info info{};
  REQUIRE(mvk_network_output_info(net, 0, &info) == MVK_OK);
  CHECK(info.indices == 1);
  CHECK(info.count == 513u * 513u);
  const Image img = loadImage(testing::shared("images/bird_segmentation.bmp"));
  const std::vector<uint8_t> rgba = testing::rgbaOf(img);
  std::vector<int32_t> classes(info.count, -1);
  REQUIRE(mvk_segment(net, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), classes.data(), classes.size()) == MVK_OK);
  CHECK(agreement({{1, 513, 513, 1}, classes}, referenceMask()) >= 0.97);
  std::vector<int32_t> again(info.count, -1);
  REQUIRE(mvk_read_class_map(net, 0, again.data(), again.size()) == MVK_OK);
  CHECK(again == classes);
  CHECK(mvk_read_class_map(net, 0, again.data(), again.size() - 1) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("263169 pixels") != std::string::npos);
  CHECK(mvk_segment(net, rgba.data(), 100, uint32_t(img.width), uint32_t(img.height), classes.data(), classes.size()) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_segment(net, rgba.data(), rgba.size(), 0, 1, classes.data(), classes.size()) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_segment(net, rgba.data(), rgba.size(), 1, 1, nullptr, 0) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_network_destroy(net);
  mvk_model classifierModel = nullptr;
  REQUIRE(mvk_model_load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &classifierModel) == MVK_OK);
  mvk_network classifier = nullptr;
  REQUIRE(mvk_network_create(ctx, classifierModel, 0, &classifier) == MVK_OK);
  CHECK(mvk_segment(classifier, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), classes.data(), classes.size()) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("not a segmenter") != std::string::npos);
  mvk_network_destroy(classifier);
  mvk_model_destroy(classifierModel);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}

TEST_CASE("class maps: indices from floats, shares, PASCAL VOC colours, blending and their refusals") {
  HostTensor floats({1, 2, 3, 1});
  floats.data = {0, 1, 2, 2, 20, 0};
  const IndexTensor map = indicesFromFloats(floats);
  CHECK(map.data == std::vector<int32_t>{0, 1, 2, 2, 20, 0});
  for (float bad : {1.5f, -1.0f, NAN}) {
    HostTensor t = floats;
    t.data[3] = bad;
    CHECK_THROWS_WITH_AS(indicesFromFloats(t), doctest::Contains("element 3"), Error);
  }
  const std::vector<double> shares = classShares(map, 21);
  CHECK(shares[0] == doctest::Approx(2.0 / 6));
  CHECK(shares[2] == doctest::Approx(2.0 / 6));
  CHECK(shares[20] == doctest::Approx(1.0 / 6));
  CHECK_THROWS_WITH_AS(classShares(map, 20), doctest::Contains("class 20, outside [0, 20)"), Error);
  // Present classes, the largest share first, equal shares in class order: 0 and 2 (2/6), then 1 and 20.
  const std::vector<ClassShare> present = classesByShare(map, 21);
  REQUIRE(present.size() == 4);
  CHECK(present[0].classId == 0);
  CHECK(present[1].classId == 2);
  CHECK(present[2].classId == 1);
  CHECK(present[3].classId == 20);
  CHECK(present[3].share == doctest::Approx(1.0 / 6));
  CHECK_THROWS_WITH_AS(classShares(map, 21, 1), doctest::Contains("image 1 of a map of 1"), Error);
  CHECK_THROWS_AS(classShares(IndexTensor{{1, 2, 3, 2}, std::vector<int32_t>(12)}, 21), Error);

  // PASCAL VOC's colour map: the bits of the index spread over R, G and B from the top bit down.
  uint8_t rgb[3];
  const std::vector<std::pair<int, std::vector<int>>> known = {
      {1, {128, 0, 0}}, {2, {0, 128, 0}}, {3, {128, 128, 0}}, {8, {64, 0, 0}}, {12, {64, 0, 128}}, {15, {192, 128, 128}}, {20, {0, 64, 128}}};
  for (const auto& [c, colour] : known) {
    segmentationColour(c, rgb);
    CHECK(std::vector<int>{rgb[0], rgb[1], rgb[2]} == colour);
  }

  // A 2x3 map over a 4x6 RGBA image: each map pixel covers 2x2 image pixels; class 0 untouched,
  // the others half and half with their colour; alpha kept.
  std::vector<uint8_t> pixels(4 * 6 * 4, 100);
  drawSegmentation(pixels.data(), 6, 4, 4, map, 0.5f);
  auto at = [&](int x, int y) { return &pixels[(size_t(y) * 6 + size_t(x)) * 4]; };
  CHECK(at(0, 0)[0] == 100);  // class 0
  CHECK(at(1, 1)[1] == 100);
  segmentationColour(1, rgb);
  CHECK(at(2, 0)[0] == 114);  // (100 + 128) / 2
  CHECK(at(3, 1)[1] == 50);   // (100 + 0) / 2
  segmentationColour(20, rgb);
  CHECK(at(2, 3)[2] == 114);  // class 20: (0, 64, 128)
  CHECK(at(3, 2)[1] == 82);
  CHECK(at(5, 3)[0] == 100);  // class 0
  CHECK(at(2, 0)[3] == 100);  // alpha untouched
  CHECK_THROWS_WITH_AS(drawSegmentation(pixels.data(), 6, 4, 2, map), doctest::Contains("2 channels"), Error);
  CHECK_THROWS_WITH_AS(drawSegmentation(pixels.data(), 6, 4, 4, map, 1.5f), doctest::Contains("alpha"), Error);
}
