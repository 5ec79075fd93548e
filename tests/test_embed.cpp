// Embedding: the GPU image-input path against the host path, and the external-device context.
#include <doctest/doctest.h>
#include "internal_access.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <thread>
#include <fstream>
#include <iterator>

#include "counting_vulkan.h"
#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/network.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"
#include "vulkan/image.h"

using namespace mobilevk;

namespace {
using testing::shared;

std::vector<uint8_t> toRgba(const Image& img) {
  std::vector<uint8_t> rgba(size_t(img.width) * img.height * 4, 255);
  for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&rgba[i * 4], &img.rgb[i * 3], 3);
  return rgba;
}

int argmax(const std::vector<float>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); }

// The shared test context's device, described as a host engine would hand it to mobilevk.
// Hosted contexts run under the suite's device profile too (the profile/ ctest entries).
ContextOptions profiled() {
  ContextOptions o;
  o.deviceProfile = testing::deviceProfile();
  return o;
}

ExternalVulkan borrowTestDevice() {
  Gpu& own = InternalAccess::gpu(testing::context());
  ExternalVulkan ext;
  ext.instance = own.instance();
  ext.physicalDevice = own.physicalDevice();
  ext.device = own.device();
  ext.queueFamilyIndex = own.queueFamily();
  vkGetDeviceQueue(own.device(), own.queueFamily(), 0, &ext.queue);
  return ext;
}
// alpha 0.25 @64 with random weights: small enough for tests that exercise the plumbing.
Model tinyMobileNet(int classes) { return testing::smallMobileNet(64, classes); }
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
  const ExternalVulkan ext = borrowTestDevice();
  MobileNetV1Options o;
  o.alpha = 0.25f;
  o.resolution = 64;
  o.classes = 5;
  const Model model = Model::mobileNetV1(o);
  std::mt19937 rng(3);
  const HostTensor in = testing::randomTensor(model.inputShape(), rng);
  {
    Context hosted(ext, profiled());
    CHECK(hosted.device().name == testing::context().device().name);
    Network net(hosted, model);
    const HostTensor out = net.run(in);
    const HostTensor ref = runReference(model, in);
    for (size_t i = 0; i < ref.data.size(); ++i) CHECK(out.data[i] == doctest::Approx(ref.data[i]).epsilon(1e-4));
    // fp16 was not declared enabled by the "host": refused with a message, fp32 keeps working.
    NetworkOptions f16;
    f16.precision = Precision::FP16;
    CHECK_THROWS_WITH_AS(Network(hosted, model, f16), doctest::Contains("16-bit storage"), Error);
    // Nor shaderIntegerDotProduct: a quantized model runs integers with the plain inner product,
    // and asking for packed dot products is refused naming the feature.
    const Model quant = Model::load(shared("models/mobilenet_v1_0.25_128_quant.tflite"));
    CHECK_FALSE(hosted.device().caps.integerDotProduct);
    CHECK_FALSE(Network(hosted, quant).packedDotProduct());
    NetworkOptions packed;
    packed.dotProduct = NetworkOptions::DotProduct::Packed;
    CHECK_THROWS_WITH_AS(Network(hosted, quant, packed), doctest::Contains("shaderIntegerDotProduct"), Error);
  }
  if (testing::context().device().caps.integerDotProduct) {
    // Declared enabled (the test context's own device enabled it): packed by default.
    ExternalVulkan withDot = ext;
    withDot.shaderIntegerDotProductEnabled = true;
    Context hosted(withDot, profiled());
    CHECK(Network(hosted, Model::load(shared("models/mobilenet_v1_0.25_128_quant.tflite"))).packedDotProduct());
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

TEST_CASE("external device through the host's vkGetInstanceProcAddr: every Vulkan call goes through it") {
  ExternalVulkan ext = borrowTestDevice();
  ext.getInstanceProcAddr = &testing::countingGetInstanceProcAddr;
  const Model model = tinyMobileNet(5);
  std::mt19937 rng(5);
  const HostTensor in = testing::randomTensor(model.inputShape(), rng);
  const auto start = testing::vulkanCallCounts();
  Context hosted(ext, profiled());
  CHECK(testing::vulkanCallCounts().lookups > start.lookups);
  Gpu& gpu = InternalAccess::gpu(hosted);
  const size_t submissionsBefore = gpu.submissionCount();
  Network net(hosted, model);
  const HostTensor out = net.run(in);
  const HostTensor again = net.run(in);
  const auto end = testing::vulkanCallCounts();
  // Every submission mobilevk made reached the driver through the host's pointer (a direct call to
  // the loader would have bypassed the counter), and so did the dispatches it recorded.
  CHECK(gpu.submissionCount() > submissionsBefore);
  CHECK(end.submits - start.submits == gpu.submissionCount() - submissionsBefore);
  CHECK(end.dispatches - start.dispatches >= model.layers().size());
  const HostTensor ref = runReference(model, in);
  for (size_t i = 0; i < ref.data.size(); ++i) CHECK(out.data[i] == doctest::Approx(ref.data[i]).epsilon(1e-4));
  CHECK(again.data == out.data);
  MESSAGE("host vkGetInstanceProcAddr: " << end.lookups - start.lookups << " lookups, " << end.submits - start.submits
          << " submissions, " << end.dispatches - start.dispatches << " dispatches for " << model.layers().size() << " layers");
  testing::expectNoValidationMessages();
}

TEST_CASE("pipeline cache as a blob: returned, accepted next time, anything else ignored with a log message") {
  MobileNetV1Options o;
  o.alpha = 0.25f;
  o.resolution = 32;
  o.classes = 3;
  const Model model = Model::mobileNetV1(o);
  std::vector<std::pair<LogLevel, std::string>> logged;
  auto start = [&](const std::vector<uint8_t>& blob) {
    ContextOptions co;
    co.validation = Validation::On;
    co.pipelineCache = blob;
    co.log = [&](LogLevel level, const std::string& message) { logged.emplace_back(level, message); };
    auto ctx = std::make_unique<Context>(co);
    Network net(*ctx, model);  // builds every pipeline through the cache
    CHECK(ctx->validationMessages().empty());
    return ctx;
  };
  auto first = start({});
  CHECK_FALSE(first->pipelineCacheLoaded());
  const std::vector<uint8_t> blob = first->pipelineCacheData();
  first.reset();
  REQUIRE(blob.size() >= 32);  // at least VkPipelineCacheHeaderVersionOne
  CHECK(logged.empty());
  // The blob read back is accepted by the next context, without a word.
  CHECK(start(blob)->pipelineCacheLoaded());
  CHECK(logged.empty());
  // Another device's cache (vendor id changed), a cut-short one and garbage: ignored, logged as a
  // warning naming the reason, and the start still works.
  auto other = blob;
  other[8] ^= 0x5a;
  const std::vector<uint8_t> garbage = {'n', 'o', 't', ' ', 'a', ' ', 'c', 'a', 'c', 'h', 'e'};
  const std::vector<std::pair<std::vector<uint8_t>, std::string>> bad = {
      {other, "written for another device"}, {{blob.begin(), blob.begin() + 20}, "too short"}, {garbage, "too short"}};
  for (const auto& [b, why] : bad) {
    logged.clear();
    // Nothing reaches the process's stderr: the message goes to the callback alone.
    std::fflush(stderr);
    char path[] = "/tmp/mobilevk-stderr-XXXXXX";
    const int capture = mkstemp(path);
    REQUIRE(capture >= 0);
    const int saved = dup(2);
    dup2(capture, 2);
    const bool loaded = start(b)->pipelineCacheLoaded();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st {};
    fstat(capture, &st);
    close(capture);
    unlink(path);
    CHECK(st.st_size == 0);
    CHECK_FALSE(loaded);
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].first == LogLevel::Warning);
    CHECK(logged[0].second.find(why) != std::string::npos);
  }
}

TEST_CASE("image input: BGRA and sRGB views read as the RGBA path; bad images are refused") {
  const Model model = tinyMobileNet(7);
  NetworkOptions no;
  no.framesInFlight = 2;
  Network net(testing::context(), model, no);
  Gpu& gpu = InternalAccess::gpu(testing::context());
  const uint32_t w = 50, h = 37;  // odd size, downscale in one axis, upscale in the other
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  std::mt19937 rng(11);
  for (auto& v : rgba) v = uint8_t(rng() & 0xff);
  const auto reference = net.runPixels(rgba.data(), w, h).data;

  auto classify = [&](VkFormat format, const std::vector<uint8_t>& bytes, int frame) {
    Rgba8Image image(gpu, w, h, format);
    Buffer staging(gpu, bytes.size(), MemoryUsage::Upload, "test image staging");
    std::memcpy(staging.mapped(), bytes.data(), bytes.size());
    ImageSource src;
    src.view = image.view();
    src.width = w;
    src.height = h;
    src.format = format;
    gpu.runAndWait(
        [&](VkCommandBuffer cmd) {
          image.recordUpload(cmd, staging.handle());
          net.recordImageInput(cmd, src, 0, frame);
          net.record(cmd, frame);
          VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
          mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
          mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;
          vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                               VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
        },
        "image input test");
    net.forgetImageView(image.view());
    return net.readOutput(frame).data;
  };
  // RGBA8 UNORM through the host's own image equals the host-pixel path exactly.
  CHECK(classify(VK_FORMAT_R8G8B8A8_UNORM, rgba, 1) == reference);
  // BGRA8: the view swizzles back to RGB.
  std::vector<uint8_t> bgra = rgba;
  for (size_t i = 0; i < bgra.size(); i += 4) std::swap(bgra[i], bgra[i + 2]);
  const auto fromBgra = classify(VK_FORMAT_B8G8R8A8_UNORM, bgra, 0);
  for (size_t i = 0; i < reference.size(); ++i) CHECK(fromBgra[i] == doctest::Approx(reference[i]).epsilon(1e-5));
  // sRGB: decoded on read, re-encoded in the shader; the round trip is exact to ~1e-3 of a step.
  const auto fromSrgb = classify(VK_FORMAT_R8G8B8A8_SRGB, rgba, 1);
  for (size_t i = 0; i < reference.size(); ++i) CHECK(std::fabs(fromSrgb[i] - reference[i]) <= 2e-3);

  // Self-submitted: no host command buffer, a fence to wait on.
  {
    Rgba8Image image(gpu, w, h);
    Buffer staging(gpu, rgba.size(), MemoryUsage::Upload, "test image staging");
    std::memcpy(staging.mapped(), rgba.data(), rgba.size());
    gpu.runAndWait([&](VkCommandBuffer cmd) { image.recordUpload(cmd, staging.handle()); }, "upload");
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    REQUIRE(vkCreateFence(gpu.device(), &fi, nullptr, &fence) == VK_SUCCESS);
    ImageSource src;
    src.view = image.view();
    src.width = w;
    src.height = h;
    net.submitImage(src, 1, VK_NULL_HANDLE, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_NULL_HANDLE, fence);
    REQUIRE(vkWaitForFences(gpu.device(), 1, &fence, VK_TRUE, UINT64_MAX) == VK_SUCCESS);
    CHECK(net.readOutput(1).data == reference);
    vkDestroyFence(gpu.device(), fence, nullptr);
    net.forgetImageView(image.view());
  }

  // Refusals, each naming the problem, before anything is recorded.
  Rgba8Image image(gpu, w, h);
  ImageSource src;
  src.view = image.view();
  src.width = w;
  src.height = h;
  auto refuses = [&](ImageSource s, int frame, const char* needle) {
    CAPTURE(needle);
    gpu.runAndWait([&](VkCommandBuffer cmd) { CHECK_THROWS_WITH_AS(net.recordImageInput(cmd, s, 0, frame), doctest::Contains(needle), Error); },
                   "refusal test");
  };
  ImageSource badFormat = src;
  badFormat.format = VK_FORMAT_R16G16B16A16_SFLOAT;
  refuses(badFormat, 0, "not supported");
  ImageSource badCrop = src;
  badCrop.cropX = 40;
  badCrop.cropWidth = 20;
  badCrop.cropHeight = 10;
  refuses(badCrop, 0, "lies outside");
  ImageSource noView = src;
  noView.view = VK_NULL_HANDLE;
  refuses(noView, 0, "no VkImageView");
  refuses(src, 2, "outside the network's 2 frames");
  CHECK_THROWS_AS(net.record(VK_NULL_HANDLE), Error);
  net.forgetImageView(image.view());
  testing::expectNoValidationMessages();
}

TEST_CASE("two models share one external device; a batch beyond the device's limits is refused clearly") {
  Context hosted(borrowTestDevice(), profiled());
  const Model a = Model::load(shared("models/vww_96_int8.tflite"));
  const Model b = Model::load(shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  Network na(hosted, a), nb(hosted, b);
  const Image img = loadImage(shared("images/face.jpg"));
  const auto pa = na.run(imagesToTensor({img}, a.input())).data;
  const auto pb = nb.run(imagesToTensor({img}, b.input())).data;
  CHECK(pa.size() == 2);
  CHECK(pb.size() == 1001);
  CHECK(argmax(pa) == 1);  // person
  // Batch 4096 at 128x128 needs activations far over maxStorageBufferRange: a message, no crash.
  NetworkOptions huge;
  huge.batch = 4096;
  CHECK_THROWS_WITH_AS(Network(hosted, b, huge), doctest::Contains("maxStorageBufferRange"), Error);
  // The context is still usable afterwards.
  CHECK(na.run(imagesToTensor({img}, a.input())).data == pa);
  testing::expectNoValidationMessages();
}

TEST_CASE("a runAndWait callback may use the shared command pool and a Network while another thread runs it") {
  // runAndWait once held the shared command-pool lock while its callback recorded, and Network's
  // calls take the Network's lock and then the pool lock: a callback that allocated from the pool
  // deadlocked at once, and one that recorded into a Network while another thread ran it could
  // deadlock. A hang would stall the suite, so a watchdog ends the run instead.
  auto& gpu = InternalAccess::gpu(testing::context());
  const Model model = tinyMobileNet(10);
  NetworkOptions no;
  no.framesInFlight = 2;  // runPixels uses frame 0; the nested recording uses frame 1
  Network net(testing::context(), model, no);
  const uint32_t w = 40, h = 30;
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = uint8_t(i * 7);
  const auto reference = net.runPixels(rgba.data(), w, h).data;
  Rgba8Image image(gpu, w, h);
  Buffer staging(gpu, rgba.size(), MemoryUsage::Upload, "pixels");
  std::memcpy(staging.mapped(), rgba.data(), rgba.size());
  gpu.runAndWait([&](VkCommandBuffer cmd) { image.recordUpload(cmd, staging.handle()); }, "upload");
  ImageSource src;
  src.view = image.view();
  src.width = w;
  src.height = h;

  std::atomic<bool> stop{false};
  auto work = std::async(std::launch::async, [&] {
    int mismatches = 0;
    while (!stop) mismatches += net.runPixels(rgba.data(), w, h).data != reference;
    return mismatches;
  });
  auto nested = std::async(std::launch::async, [&] {
    int mismatches = 0;
    for (int i = 0; i < 10; ++i) {
      gpu.runAndWait(
          [&](VkCommandBuffer cmd) {
            CommandBuffer fromSharedPool(gpu);  // takes the shared pool's lock
            net.recordImageInput(cmd, src, 0, 1);
            net.record(cmd, 1);
            anyToHostBarrier(gpu.vk(), cmd);
          },
          "nested use of the pool and a Network");
      mismatches += net.readOutput(1).data != reference;
    }
    return mismatches;
  });
  if (nested.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
    std::fprintf(stderr, "deadlock: runAndWait with nested pool and Network use did not finish in 120 s\n");
    std::_Exit(1);
  }
  stop = true;
  CHECK(nested.get() == 0);
  CHECK(work.get() == 0);
  net.forgetImageView(image.view());
}
