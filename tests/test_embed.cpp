// Embedding: the GPU image-input path against the host path, and the external-device context.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/network.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {
std::string shared(const std::string& rel) { return std::string(MOBILEVK_SHARED_DIR) + "/" + rel; }

std::vector<uint8_t> toRgba(const Image& img) {
  std::vector<uint8_t> rgba(size_t(img.width) * img.height * 4, 255);
  for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&rgba[i * 4], &img.rgb[i * 3], 3);
  return rgba;
}

int argmax(const std::vector<float>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); }
}  // namespace

TEST_CASE("GPU image input (host RGBA8 pixels) agrees with the host resize path") {
  // The GPU resize evaluates PIL's triangle filter in one pass without the 8-bit rounding PIL does
  // between its passes: inputs differ by about one 8-bit step (~0.008 after normalization), which
  // moved probabilities by at most ~0.01 in development; 0.03 with the top-1 unchanged wherever the
  // host path is confident (>= 0.5).
  const Model model = Model::load(shared("models/mobilenet_v1_0.75_224_keras"));
  Network net(testing::context(), model);
  double maxDiff = 0;
  for (const char* name : {"hot_dog.jpg", "bird.bmp", "cat_720p.jpg", "sunflower.bmp", "grace_hopper.bmp"}) {
    CAPTURE(name);
    const Image img = loadImage(shared(std::string("images/") + name));
    const auto host = net.run(imagesToTensor({img}, model.input())).data;
    const auto rgba = toRgba(img);
    const auto gpu = net.runPixels(rgba.data(), uint32_t(img.width), uint32_t(img.height)).data;
    for (size_t i = 0; i < host.size(); ++i) maxDiff = std::max(maxDiff, std::fabs(double(host[i]) - gpu[i]));
    if (host[argmax(host)] >= 0.5) CHECK(argmax(gpu) == argmax(host));
    // Same-size input passes through unchanged: a second call reuses the recorded path.
    CHECK(net.runPixels(rgba.data(), uint32_t(img.width), uint32_t(img.height)).data == gpu);
  }
  CHECK(maxDiff <= 0.03);
  testing::recordError("GPU image input vs host resize (probabilities)", maxDiff);
  const std::vector<uint8_t> one(4, 0);
  CHECK_THROWS_AS(net.runPixels(nullptr, 4, 4), Error);
  CHECK_THROWS_AS(net.runPixels(one.data(), 0, 1), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("external device: mobilevk runs on the host's VkDevice and destroys nothing of it") {
  Gpu& own = testing::context().gpu();
  ExternalVulkan ext;
  ext.instance = own.instance();
  ext.physicalDevice = own.physicalDevice();
  ext.device = own.device();
  ext.queueFamilyIndex = own.queueFamily();
  VkQueue queue;
  vkGetDeviceQueue(own.device(), own.queueFamily(), 0, &queue);
  ext.queue = queue;
  MobileNetV1Options o;
  o.alpha = 0.25f;
  o.resolution = 64;
  o.classes = 5;
  const Model model = Model::mobileNetV1(o);
  std::mt19937 rng(3);
  const HostTensor in = testing::randomTensor(model.inputShape(), rng);
  {
    Context hosted(ext);
    CHECK(hosted.device().name == testing::context().device().name);
    Network net(hosted, model);
    const HostTensor out = net.run(in);
    const HostTensor ref = runReference(model, in);
    for (size_t i = 0; i < ref.data.size(); ++i) CHECK(out.data[i] == doctest::Approx(ref.data[i]).epsilon(1e-4));
    // fp16 was not declared enabled by the "host": refused with a message, fp32 keeps working.
    NetworkOptions f16;
    f16.precision = Precision::FP16;
    CHECK_THROWS_WITH_AS(Network(hosted, model, f16), doctest::Contains("16-bit storage"), Error);
  }
  // The hosted context is gone; the device it borrowed still works.
  Network again(testing::context(), model);
  CHECK(again.run(in).data.size() == 5);
  ExternalVulkan missing = ext;
  missing.queue = VK_NULL_HANDLE;
  CHECK_THROWS_AS(Context{missing}, Error);
  ExternalVulkan badFamily = ext;
  badFamily.queueFamilyIndex = 99;
  CHECK_THROWS_WITH_AS(Context{badFamily}, doctest::Contains("queue family 99"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("pipeline cache: saved, reloaded on the next start, stale or corrupt files ignored") {
  char tmpl[] = "/tmp/mobilevk-cache-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string path = std::string(tmpl) + "/pipelines.bin";
  MobileNetV1Options o;
  o.alpha = 0.25f;
  o.resolution = 32;
  o.classes = 3;
  const Model model = Model::mobileNetV1(o);
  auto start = [&] {
    ContextOptions co;
    co.validation = Validation::On;
    co.pipelineCachePath = path;
    auto ctx = std::make_unique<Context>(co);
    Network net(*ctx, model);  // builds every pipeline through the cache
    CHECK(ctx->validationMessages().empty());
    return ctx;
  };
  CHECK_FALSE(start()->pipelineCacheLoaded());  // first start: nothing to load; written at destruction
  std::ifstream f(path, std::ios::binary);
  std::vector<char> blob((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  f.close();
  REQUIRE(blob.size() >= 32);
  CHECK(start()->pipelineCacheLoaded());
  // Another device's cache (vendor id changed) and garbage are ignored, and the start still works.
  auto other = blob;
  other[8] = char(other[8] ^ 0x5a);
  std::ofstream(path, std::ios::binary).write(other.data(), std::streamsize(other.size()));
  CHECK_FALSE(start()->pipelineCacheLoaded());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "not a pipeline cache";
  CHECK_FALSE(start()->pipelineCacheLoaded());
  CHECK(start()->pipelineCacheLoaded());  // the previous start rewrote a valid cache
}
