// Real pretrained models from ../shared: every one loads, runs on the GPU and on the CPU reference
// with matching results, and classifies real photos as the independent references do.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/network.h"

using namespace mobilevk;

namespace {

std::string shared(const std::string& rel) {
  const std::string path = std::string(MOBILEVK_SHARED_DIR) + "/" + rel;
  struct stat st {};
  REQUIRE_MESSAGE(stat(path.c_str(), &st) == 0, "missing shared data " << path
                                                                       << " (the real models and photos live in ../shared)");
  return path;
}

const char* kImages[] = {"bird.bmp", "cat.bmp", "cat_720p.jpg", "face.jpg", "grace_hopper.bmp", "hot_dog.jpg",
                         "kite_and_cold.jpg", "missvickie_potato_chips.bmp", "pets.jpg", "resized_cat.bmp",
                         "sunflower.bmp"};

int argmax(const std::vector<float>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); }

std::vector<float> row(const HostTensor& t) { return t.data; }

// expected/*.top3.txt: "image   idx:label prob | idx:label prob | ..." -> image -> (top-1 index, prob)
std::map<std::string, std::pair<int, double>> readExpected(const std::string& path) {
  std::ifstream f(path);
  REQUIRE_MESSAGE(f, "cannot read " << path);
  std::map<std::string, std::pair<int, double>> out;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream s(line);
    std::string image, first;
    s >> image;
    const auto colon = line.find(':');
    const auto bar = line.find('|');
    if (colon == std::string::npos) continue;
    const auto idxStart = line.find_first_not_of(' ', image.size());
    const int index = std::stoi(line.substr(idxStart, colon - idxStart));
    const std::string top = line.substr(colon + 1, (bar == std::string::npos ? line.size() : bar) - colon - 1);
    const double prob = std::stod(top.substr(top.find_last_of(' ', top.find_last_not_of(' ')) + 1));
    out[image] = {index, prob};
  }
  return out;
}

// Probability tolerance between GPU and CPU reference on whole networks. The op tests bound each
// layer's float32 error by gamma(K)*sum|terms|; through ~30 layers the largest probability
// difference seen over all shared models and photos was 3.5e-6 (the run prints it per model).
// 5e-4 keeps a >100x margin for other drivers' summation order and still catches a wrong layer,
// which moves probabilities by whole percent.
constexpr double kProbTolerance = 5e-4;

struct ModelCase {
  std::string file, expected;  // expected: file in expected/ or ""
  bool floatInput01 = false;   // VWW float: x/255 per shared/README.md
};

void checkModel(const ModelCase& mc, const std::vector<std::string>& cpuImages) {
  CAPTURE(mc.file);
  Model model = Model::load(shared("models/" + mc.file));
  if (mc.floatInput01) {
    const float scale[3] = {1 / 255.0f, 1 / 255.0f, 1 / 255.0f}, offset[3] = {0, 0, 0};
    model.setInputNormalization(scale, offset, "x/255");
  }
  // A quantized file runs its integer arithmetic by default: the GPU must then equal the CPU
  // integer twin exactly; a float file is held to the float tolerance above.
  Network net(testing::context(), model);
  const bool integer = model.hasIntegerExecution();
  CHECK(net.integerExecution() == integer);
  std::map<std::string, std::vector<float>> gpuOut;
  for (const char* img : kImages) {
    const HostTensor in = imagesToTensor({loadImage(shared(std::string("images/") + img))}, model.input());
    gpuOut[img] = row(net.run(in));
  }
  double maxDiff = 0;
  for (const auto& img : cpuImages) {
    CAPTURE(img);
    const HostTensor in = imagesToTensor({loadImage(shared("images/" + img))}, model.input());
    const auto cpu = row(integer ? runIntegerReference(model, in) : runReference(model, in));
    const auto& gpu = gpuOut[img];
    REQUIRE(cpu.size() == gpu.size());
    CHECK(argmax(cpu) == argmax(gpu));
    for (size_t i = 0; i < cpu.size(); ++i) maxDiff = std::max(maxDiff, std::fabs(double(cpu[i]) - gpu[i]));
  }
  CHECK(maxDiff <= (integer ? 0.0 : kProbTolerance));
  testing::recordError("model " + mc.file, maxDiff);
  if (integer) {
    // The float path of the same file stays available and agrees with its float reference.
    NetworkOptions asFloat;
    asFloat.execution = NetworkOptions::Execution::Float;
    Network floatNet(testing::context(), model, asFloat);
    const HostTensor in = imagesToTensor({loadImage(shared("images/" + cpuImages.front()))}, model.input());
    const auto f = row(floatNet.run(in)), r = row(runReference(model, in));
    double floatDiff = 0;
    for (size_t i = 0; i < f.size(); ++i) floatDiff = std::max(floatDiff, std::fabs(double(f[i]) - r[i]));
    CHECK(floatDiff <= kProbTolerance);
  }
  if (!mc.expected.empty()) {
    int compared = 0;
    const auto expected = readExpected(shared("expected/" + mc.expected));
    CHECK(expected.size() == std::size(kImages));
    for (const auto& [img, top] : expected) {
      if (top.second < 0.5) continue;  // unconfident references may flip between float and integer math
      CAPTURE(img);
      CHECK(argmax(gpuOut.at(img)) == top.first);
      ++compared;
    }
    CHECK(compared >= 1);
  }
  testing::expectNoValidationMessages();
}

}  // namespace

TEST_CASE("Keras 0.75/224 float model: GPU equals CPU reference on every photo, known classes") {
  const Model model = Model::load(shared("models/mobilenet_v1_0.75_224_keras"));
  CHECK(model.outputShape().c == 1000);
  Network net(testing::context(), model);
  const auto expected = readExpected(shared("expected/mobilenet_v1_0.75_224_keras.top3.txt"));
  double maxDiff = 0;
  std::map<std::string, int> top1;
  for (const char* img : kImages) {
    CAPTURE(img);
    const HostTensor in = imagesToTensor({loadImage(shared(std::string("images/") + img))}, model.input());
    const auto gpu = row(net.run(in));
    const auto cpu = row(runReference(model, in));
    CHECK(argmax(gpu) == argmax(cpu));
    for (size_t i = 0; i < cpu.size(); ++i) maxDiff = std::max(maxDiff, std::fabs(double(cpu[i]) - gpu[i]));
    top1[img] = argmax(gpu);
    // The float64 numpy reference: same top-1 and the same probability to within resize rounding.
    const auto& e = expected.at(img);
    if (e.second >= 0.5) {
      CHECK(top1[img] == e.first);
      CHECK(gpu[e.first] == doctest::Approx(e.second).epsilon(0.03));
    }
  }
  CHECK(maxDiff <= kProbTolerance);
  testing::recordError("model keras 0.75_224", maxDiff);
  // ImageNet-1000 indices: 19 chickadee, 934 hotdog, 985 daisy, 692 packet.
  CHECK(top1["bird.bmp"] == 19);
  CHECK(top1["hot_dog.jpg"] == 934);
  CHECK(top1["sunflower.bmp"] == 985);
  CHECK(top1["missvickie_potato_chips.bmp"] == 692);
  testing::expectNoValidationMessages();
}

TEST_CASE("all 12 official uint8 TFLite models run on GPU and CPU alike") {
  for (const char* alpha : {"0.25", "0.5", "0.75"})
    for (const char* res : {"128", "160", "192", "224"}) {
      const std::string file = std::string("mobilenet_v1_") + alpha + "_" + res + "_quant.tflite";
      std::string expected;
      if (std::string(res) == "224") expected = std::string("mobilenet_v1_") + alpha + "_224_quant.armnn_cpuref.top3.txt";
      checkModel({file, expected}, {"bird.bmp"});
    }
}

TEST_CASE("MLIR re-conversions and the VWW person detectors") {
  checkModel({"mlir/mobilenet_v1_0.25_128_quant.tflite", ""}, {"bird.bmp"});
  checkModel({"mlir/mobilenet_v1_0.5_160_quant.tflite", ""}, {"bird.bmp"});
  checkModel({"mlir/mobilenet_v1_0.75_192_quant.tflite", "mlir_mobilenet_v1_0.75_192_quant.armnn_cpuref.top3.txt"},
             {"bird.bmp", "hot_dog.jpg"});
  checkModel({"vww_96_float.tflite", "vww_96_float.top2.txt", true}, {"face.jpg", "cat.bmp"});
  checkModel({"vww_96_int8.tflite", ""}, {"face.jpg", "cat.bmp"});
}

TEST_CASE("alpha-1.0 embedding extractor: GPU and CPU features agree (cosine > 0.999)") {
  const Model model = Model::load(shared("models/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite"));
  CHECK(model.outputShape() == Shape{1, 1, 1, 1024});
  // The float path against the float reference (the integer path is held to the CPU integer twin
  // bit for bit by the LiteRT comparison and test_integer.cpp).
  NetworkOptions asFloat;
  asFloat.execution = NetworkOptions::Execution::Float;
  Network net(testing::context(), model, asFloat);
  for (const char* img : {"grace_hopper.bmp", "pets.jpg"}) {
    CAPTURE(img);
    const HostTensor in = imagesToTensor({loadImage(shared(std::string("images/") + img))}, model.input());
    const auto g = row(net.run(in)), c = row(runReference(model, in));
    double dot = 0, ng = 0, nc = 0;
    for (size_t i = 0; i < g.size(); ++i) {
      dot += double(g[i]) * c[i];
      ng += double(g[i]) * g[i];
      nc += double(c[i]) * c[i];
    }
    const double cosine = dot / std::sqrt(ng * nc);
    CHECK(cosine > 0.999);
    CHECK(ng > 0);  // not a degenerate all-zero feature vector
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("fp16 storage on real models: top-1 unchanged on the shared photos, probabilities close") {
  // Tolerance: fp16 storage rounds every activation and weight to 11 significant bits; through ~30
  // layers the logits move by up to a few 1e-3 relative, which moves a probability by at most
  // ~|logit| * 1e-3 ~ 1e-2. 0.03 on probabilities; top-1 must not change wherever the fp32 top-1
  // probability is at least 0.3 (closer calls may legitimately flip).
  if (!testing::fp16StorageOrRefused()) return;
  for (const char* file : {"mobilenet_v1_0.75_224_keras", "mobilenet_v1_0.5_160_quant.tflite"}) {
    CAPTURE(file);
    const Model model = Model::load(shared(std::string("models/") + file));
    NetworkOptions o16, o32;
    o16.precision = Precision::FP16;
    o16.execution = o32.execution = NetworkOptions::Execution::Float;  // storage precision is a float-path choice
    Network net16(testing::context(), model, o16);
    Network net32(testing::context(), model, o32);
    double maxDiff = 0;
    for (const char* img : kImages) {
      CAPTURE(img);
      const HostTensor in = imagesToTensor({loadImage(shared(std::string("images/") + img))}, model.input());
      const auto p16 = row(net16.run(in)), p32 = row(net32.run(in));
      for (size_t i = 0; i < p32.size(); ++i) maxDiff = std::max(maxDiff, std::fabs(double(p16[i]) - p32[i]));
      if (p32[argmax(p32)] >= 0.3) CHECK(argmax(p16) == argmax(p32));
    }
    CHECK(maxDiff <= 0.03);
    testing::recordError(std::string("fp16 vs fp32 probabilities ") + file, maxDiff);
  }
  testing::expectNoValidationMessages();
}
