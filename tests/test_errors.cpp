// Typed errors: every ErrorCode from a real trigger, through the C++ API (Error::code()) and the
// C API (its mvk_result); and the embedder calls of the C API (options structs, log callback,
// pipeline cache blob, model from memory, frames in flight).
#include <doctest/doctest.h>
#include "internal_access.h"

#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "c_api_internal.h"
#include "counting_vulkan.h"
#include "helpers.h"
#include "import/importers.h"
#include "io/file_io.h"
#include "mobilevk/mobilevk.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {

using testing::shared;

template <class F>
ErrorCode codeOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error was thrown");
  return ErrorCode::Internal;
}

const std::vector<uint8_t> kGarbage = {'n', 'o', 't', ' ', 'a', ' ', 'm', 'o', 'd', 'e', 'l', '.', '.', '.', '.', '.'};

ContextOptions ownContext() {
  ContextOptions o;
  o.validation = Validation::On;
  return o;
}

}  // namespace

TEST_CASE("every error code from a real trigger, C++ API") {
  const Model model = Model::load(shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  auto& ctx = testing::context();
  Network net(ctx, model);
  CHECK(codeOf([&] { net.run(HostTensor({1, 8, 8, 3})); }) == ErrorCode::InvalidArgument);
  CHECK(codeOf([&] { Model::fromTflite(kGarbage.data(), kGarbage.size()); }) == ErrorCode::InvalidModel);
  const auto l2Pool = testing::tinyTflite(12);
  CHECK(codeOf([&] { Model::fromTflite(l2Pool.data(), l2Pool.size()); }) == ErrorCode::Unsupported);
  CHECK(codeOf([&] { Model::load("/nonexistent/model.tflite"); }) == ErrorCode::IO);
  InternalAccess::gpu(ctx).injectAllocationFault(VK_ERROR_OUT_OF_DEVICE_MEMORY);
  CHECK(codeOf([&] { Network n(ctx, model); }) == ErrorCode::OutOfMemory);
  {
    Context own(ownContext());
    Network n(own, model);
    InternalAccess::gpu(own).injectSubmitFault(VK_ERROR_UNKNOWN);  // an answer no code names
    CHECK(codeOf([&] { n.run(HostTensor(model.inputShape())); }) == ErrorCode::Internal);
    InternalAccess::gpu(own).injectSubmitFault(VK_ERROR_DEVICE_LOST);
    CHECK(codeOf([&] { n.run(HostTensor(model.inputShape())); }) == ErrorCode::DeviceLost);
    CHECK(codeOf([&] { n.run(HostTensor(model.inputShape())); }) == ErrorCode::DeviceLost);  // and stays lost
  }
  std::string names;
  for (ErrorCode c : {ErrorCode::InvalidArgument, ErrorCode::InvalidModel, ErrorCode::Unsupported, ErrorCode::IO,
                      ErrorCode::OutOfMemory, ErrorCode::DeviceLost, ErrorCode::Internal})
    names += std::string(errorCodeName(c)) + ";";
  CHECK(names == "invalid argument;invalid model;unsupported;I/O error;out of memory;device lost;internal error;");
  testing::expectNoValidationMessages();
}

TEST_CASE("every error code from a real trigger, C API") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &model) == MVK_OK);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
  std::vector<float> out(mvk_model_output_size(model));
  std::vector<uint8_t> rgba(32 * 24 * 4, 128);

  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 0, 24, out.data(), out.size()) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_model bad = nullptr;
  CHECK(mvk_model_load_memory(kGarbage.data(), kGarbage.size(), &bad) == MVK_ERROR_INVALID_MODEL);
  CHECK(bad == nullptr);
  CHECK(std::string(mvk_last_error()).find("not a TFLite model") != std::string::npos);
  const auto l2Pool = testing::tinyTflite(12);
  CHECK(mvk_model_load_memory(l2Pool.data(), l2Pool.size(), &bad) == MVK_ERROR_UNSUPPORTED);
  CHECK(std::string(mvk_last_error()).find("L2_POOL_2D") != std::string::npos);
  CHECK(mvk_model_load("/nonexistent/model.tflite", &bad) == MVK_ERROR_IO);
  InternalAccess::gpu(*ctx->context).injectAllocationFault(VK_ERROR_OUT_OF_DEVICE_MEMORY);
  mvk_network other = nullptr;
  CHECK(mvk_network_create(ctx, model, 0, &other) == MVK_ERROR_OUT_OF_MEMORY);
  CHECK(other == nullptr);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, out.data(), out.size()) == MVK_OK);
  InternalAccess::gpu(*ctx->context).injectSubmitFault(VK_ERROR_UNKNOWN);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, out.data(), out.size()) == MVK_ERROR_UNEXPECTED);
  InternalAccess::gpu(*ctx->context).injectSubmitFault(VK_ERROR_DEVICE_LOST);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, out.data(), out.size()) == MVK_ERROR_DEVICE_LOST);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, out.data(), out.size()) == MVK_ERROR_DEVICE_LOST);
  // The mapping itself, value by value (0..3 keep their meaning).
  CHECK(mvkResultFor(ErrorCode::InvalidArgument) == 1);
  CHECK(mvkResultFor(ErrorCode::Internal) == 3);
  CHECK(mvkResultFor(ErrorCode::InvalidModel) == 4);
  CHECK(mvkResultFor(ErrorCode::Unsupported) == 5);
  CHECK(mvkResultFor(ErrorCode::IO) == 6);
  CHECK(mvkResultFor(ErrorCode::OutOfMemory) == 7);
  CHECK(mvkResultFor(ErrorCode::DeviceLost) == 8);
  mvk_network_destroy(net);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}

namespace {
struct LogCapture {
  std::vector<std::pair<mvk_log_level, std::string>> messages;
};
void captureLog(mvk_log_level level, const char* message, void* user) {
  static_cast<LogCapture*>(user)->messages.emplace_back(level, message);
}
// Options whose log goes to `log` and whose pipeline cache is `cache` (kept alive by the caller).
mvk_context_options loggingOptions(LogCapture& log, const std::vector<uint8_t>& cache) {
  mvk_context_options co{};
  co.struct_size = sizeof co;
  co.log = captureLog;
  co.log_user_data = &log;
  co.pipeline_cache = cache.data();
  co.pipeline_cache_size = cache.size();
  return co;
}
}  // namespace

TEST_CASE("C API embedding: options, log callback, pipeline cache blob, model from memory, frames in flight") {
  LogCapture log;
  const std::vector<uint8_t> garbageCache(64, 0xab);
  mvk_context_options co = loggingOptions(log, garbageCache);
  co.validation = 1;
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create_with_options(&co, &ctx) == MVK_OK);
  REQUIRE(log.messages.size() == 1);
  CHECK(log.messages[0].first == MVK_LOG_WARNING);
  CHECK(log.messages[0].second.find("ignoring the pipeline cache") != std::string::npos);

  const auto bytes = readRegularFile(shared("models/mobilenet_v1_0.5_160_quant.tflite"), 1ull << 30);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load_memory(bytes.data(), bytes.size(), &model) == MVK_OK);
  mvk_network_options no{};
  no.struct_size = sizeof no;
  no.frames_in_flight = 2;
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create_with_options(ctx, model, &no, &net) == MVK_OK);
  no.frames_in_flight = 0;
  mvk_network bad = nullptr;
  CHECK(mvk_network_create_with_options(ctx, model, &no, &bad) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_record_frame(net, VK_NULL_HANDLE, 1) == MVK_ERROR_INVALID_ARGUMENT);
  std::vector<float> out(mvk_model_output_size(model));
  CHECK(mvk_read_output_frame(net, 2, out.data(), out.size()) == MVK_ERROR_INVALID_ARGUMENT);  // only frames 0 and 1
  // Classifying still works (pipelines built through the cache), and the blob read back is real.
  std::vector<uint8_t> rgba(40 * 30 * 4, 90);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 40, 30, out.data(), out.size()) == MVK_OK);
  size_t size = 0;
  REQUIRE(mvk_context_pipeline_cache(ctx, nullptr, &size) == MVK_OK);
  REQUIRE(size >= 32);
  std::vector<uint8_t> blob(size);
  size_t got = blob.size();
  REQUIRE(mvk_context_pipeline_cache(ctx, blob.data(), &got) == MVK_OK);
  CHECK(got == size);
  size_t small = 8;
  std::vector<uint8_t> head(8);
  REQUIRE(mvk_context_pipeline_cache(ctx, head.data(), &small) == MVK_OK);
  CHECK(small == 8);
  CHECK(std::memcmp(head.data(), blob.data(), 8) == 0);
  mvk_network_destroy(net);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);

  // A second context accepts the blob without a word.
  log.messages.clear();
  co.pipeline_cache = blob.data();
  co.pipeline_cache_size = blob.size();
  REQUIRE(mvk_context_create_with_options(&co, &ctx) == MVK_OK);
  CHECK(log.messages.empty());
  mvk_context_destroy(ctx);

  // An older, smaller struct (only struct_size and device) still works; a wrong size does not.
  mvk_context_options oldStyle{};
  oldStyle.struct_size = offsetof(mvk_context_options, log);
  REQUIRE(mvk_context_create_with_options(&oldStyle, &ctx) == MVK_OK);
  mvk_context_destroy(ctx);
  oldStyle.struct_size = 1000;
  CHECK(mvk_context_create_with_options(&oldStyle, &ctx) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_model_load_memory(nullptr, 10, &model) == MVK_ERROR_INVALID_ARGUMENT);

  // A device profile: a known one clamps the device, an unknown one is refused by name.
  mvk_context_options profiled{};
  profiled.struct_size = sizeof profiled;
  profiled.device_profile = "raspberrypi4-v3d";
  REQUIRE(mvk_context_create_with_options(&profiled, &ctx) == MVK_OK);
  mvk_context_destroy(ctx);
  profiled.device_profile = "no-such-gpu";
  CHECK(mvk_context_create_with_options(&profiled, &ctx) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("unknown device profile 'no-such-gpu'") != std::string::npos);
}

TEST_CASE("C API embedding: the host's device and vkGetInstanceProcAddr, with a log and a cache blob") {
  mobilevk::Gpu& own = mobilevk::InternalAccess::gpu(testing::context());
  mvk_external_vulkan ext{};
  ext.struct_size = sizeof ext;
  ext.instance = own.instance();
  ext.physical_device = own.physicalDevice();
  ext.device = own.device();
  ext.queue_family_index = own.queueFamily();
  vkGetDeviceQueue(own.device(), own.queueFamily(), 0, &ext.queue);
  ext.get_instance_proc_addr = &testing::countingGetInstanceProcAddr;
  LogCapture log;
  const std::vector<uint8_t> garbageCache(48, 0x5a);
  const mvk_context_options co = loggingOptions(log, garbageCache);

  const auto start = testing::vulkanCallCounts();
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create_external_with_options(&ext, &co, &ctx) == MVK_OK);
  REQUIRE(log.messages.size() == 1);
  CHECK(log.messages[0].second.find("ignoring the pipeline cache") != std::string::npos);
  const auto bytes = readRegularFile(shared("models/mobilenet_v1_0.25_128_quant.tflite"), 1ull << 30);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load_memory(bytes.data(), bytes.size(), &model) == MVK_OK);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
  std::vector<float> out(mvk_model_output_size(model));
  std::vector<uint8_t> rgba(50 * 40 * 4, 120);
  REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 50, 40, out.data(), out.size()) == MVK_OK);
  const size_t submissions = mobilevk::InternalAccess::gpu(*ctx->context).submissionCount();
  const auto end = testing::vulkanCallCounts();
  CHECK(end.lookups > start.lookups);
  CHECK(submissions > 0);
  CHECK(end.submits - start.submits == submissions);  // none bypassed the host's pointers
  CHECK(end.dispatches > start.dispatches);
  mvk_network_destroy(net);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);

  mvk_external_vulkan old = ext;
  old.struct_size = 3;
  CHECK(mvk_context_create_external_with_options(&old, nullptr, &ctx) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("struct_size 3") != std::string::npos);
  mvk_external_vulkan noQueue = ext;
  noQueue.queue = VK_NULL_HANDLE;
  CHECK(mvk_context_create_external_with_options(&noQueue, nullptr, &ctx) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(ctx == nullptr);
  testing::expectNoValidationMessages();
}

TEST_CASE("C API: a quantized file runs integer arithmetic by default; execution 1 keeps the float path") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &model) == MVK_OK);
  std::vector<uint8_t> rgba(64 * 48 * 4, 77);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = uint8_t((i * 37) % 251);
  std::vector<float> integerOut(mvk_model_output_size(model)), floatOut(integerOut.size());
  mvk_network_options o{};
  o.struct_size = sizeof o;
  o.frames_in_flight = 1;
  for (int execution : {0, 1}) {
    o.execution = execution;
    mvk_network net = nullptr;
    REQUIRE(mvk_network_create_with_options(ctx, model, &o, &net) == MVK_OK);
    auto& out = execution == 0 ? integerOut : floatOut;
    REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 64, 48, out.data(), out.size()) == MVK_OK);
    mvk_network_destroy(net);
  }
  // Integer outputs lie on the output grid (multiples of 1/256); the float path's do not.
  for (float v : integerOut) CHECK(v * 256.0f == std::round(v * 256.0f));
  bool offGrid = false;
  for (float v : floatOut) offGrid |= v * 256.0f != std::round(v * 256.0f);
  CHECK(offGrid);
  // Both inner products (dot_product 1 packed, where the device has it, and 2 plain) give the
  // default's integers exactly; so does a tuning cache that is not one (ignored with a log
  // message, never an error).
  struct Variation {
    int dotProduct;
    const char* tuningCache;
  };
  o.execution = 2;
  // A cache whose fields have the wrong JSON type was MVK_ERROR_UNEXPECTED (nlohmann's type_error).
  const char* wrongTypes = R"({"format": "mobilevk-tuning", "version": 1, "device": {"name": 42, "uuid": null}, "layers": []})";
  for (const Variation& v : {Variation{1, nullptr}, Variation{2, nullptr}, Variation{0, "not a tuning cache"}, Variation{0, wrongTypes}}) {
    if (v.dotProduct == 1 && !testing::context().device().caps.integerDotProduct) continue;
    o.dot_product = v.dotProduct;
    o.tuning_cache = v.tuningCache;
    mvk_network net = nullptr;
    REQUIRE(mvk_network_create_with_options(ctx, model, &o, &net) == MVK_OK);
    std::vector<float> out(integerOut.size());
    REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 64, 48, out.data(), out.size()) == MVK_OK);
    CHECK(out == integerOut);
    mvk_network_destroy(net);
  }
  o.tuning_cache = nullptr;
  mvk_network bad = nullptr;
  o.dot_product = 3;
  CHECK(mvk_network_create_with_options(ctx, model, &o, &bad) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("dot_product") != std::string::npos);
  o.dot_product = 0;
  o.execution = 3;
  CHECK(mvk_network_create_with_options(ctx, model, &o, &bad) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}
