// The C API: results, error codes and messages, and that nothing crashes on null or bad arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "helpers.h"
#include "mobilevk/image.h"
#include "mobilevk/mobilevk.h"

namespace {
using testing::shared;
}  // namespace

TEST_CASE("C API: classify from pixels, results and errors") {
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(shared("models/mobilenet_v1_0.75_224_keras").c_str(), &model) == MVK_OK);
  CHECK(mvk_model_output_size(model) == 1000);
  mvk_network net = nullptr;
  REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);

  const mobilevk::Image img = mobilevk::loadImage(shared("images/hot_dog.jpg"));
  std::vector<uint8_t> rgba(size_t(img.width) * img.height * 4, 255);
  for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&rgba[i * 4], &img.rgb[i * 3], 3);
  std::vector<float> probs(1000);
  REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), uint32_t(img.width), uint32_t(img.height), probs.data(), probs.size()) == MVK_OK);
  int32_t top[5];
  REQUIRE(mvk_top_k(probs.data(), probs.size(), 5, top) == MVK_OK);
  CHECK(top[0] == 934);
  CHECK(probs[size_t(top[0])] >= probs[size_t(top[1])]);
  std::vector<float> again(1000);
  CHECK(mvk_read_output(net, again.data(), again.size()) == MVK_OK);
  CHECK(again == probs);
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, size = 0;
  CHECK(mvk_output_buffer(net, &buffer, &offset, &size) == MVK_OK);
  CHECK(buffer != VK_NULL_HANDLE);
  CHECK(size == 1000 * sizeof(float));

  // Errors: codes plus a message, never a crash.
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 4, 4, probs.data(), 10) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("out_count") != std::string::npos);
  CHECK(mvk_classify_rgba8(nullptr, rgba.data(), rgba.size(), 4, 4, probs.data(), 1000) == MVK_ERROR_INVALID_ARGUMENT);
  // A zero-sized image is the caller's mistake, not a library failure.
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 0, 4, probs.data(), 1000) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 4, 0, probs.data(), 1000) == MVK_ERROR_INVALID_ARGUMENT);
  // A buffer shorter than width * height * 4 is refused before any byte of it is read: a 64-byte
  // copy at the end of a heap block claimed as 5x4 (80 bytes) would be an overread (ASan job).
  std::vector<uint8_t> shortBuffer(64, 0);
  CHECK(mvk_classify_rgba8(net, shortBuffer.data(), shortBuffer.size(), 5, 4, probs.data(), 1000) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("needs 80 bytes, rgba_size is 64") != std::string::npos);
  CHECK(mvk_classify_rgba8(net, shortBuffer.data(), shortBuffer.size(), 4, 4, probs.data(), 1000) == MVK_OK);
  CHECK(mvk_read_output(net, probs.data(), 3) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_model bad = nullptr;
  CHECK(mvk_model_load("/nonexistent/model.tflite", &bad) == MVK_ERROR_IO);
  CHECK(bad == nullptr);
  CHECK(std::string(mvk_last_error()).find("/nonexistent/model.tflite") != std::string::npos);
  CHECK(mvk_model_load(nullptr, &bad) == MVK_ERROR_INVALID_ARGUMENT);
  mvk_context badCtx = nullptr;
  CHECK(mvk_context_create("no-such-gpu-anywhere", &badCtx) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("no-such-gpu-anywhere") != std::string::npos);
  CHECK(mvk_context_create_external(VK_NULL_HANDLE, VK_NULL_HANDLE, VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0, &badCtx) ==
        MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_network_create(ctx, nullptr, 0, &net) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_record(net, VK_NULL_HANDLE) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_record_image_input(net, VK_NULL_HANDLE, VK_NULL_HANDLE, VK_IMAGE_LAYOUT_GENERAL, 1, 1,
                               VK_FORMAT_R8G8B8A8_UNORM, nullptr) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(mvk_top_k(probs.data(), 3, 5, top) == MVK_ERROR_INVALID_ARGUMENT);
  // NaN ranks last, whatever its position (with a plain '>' the order was undefined).
  const float withNan[6] = {0.1f, NAN, 0.7f, NAN, -1.0f, 0.3f};
  int32_t ranked[6];
  REQUIRE(mvk_top_k(withNan, 6, 6, ranked) == MVK_OK);
  CHECK(ranked[0] == 2);
  CHECK(ranked[1] == 5);
  CHECK(ranked[2] == 0);
  CHECK(ranked[3] == 4);
  CHECK(std::isnan(withNan[ranked[4]]));
  CHECK(std::isnan(withNan[ranked[5]]));
  const float nanFirst[4] = {NAN, 0.2f, 0.5f, 0.1f};
  REQUIRE(mvk_top_k(nanFirst, 4, 1, ranked) == MVK_OK);
  CHECK(ranked[0] == 2);
  CHECK(mvk_model_output_size(nullptr) == 0);
  mvk_network_destroy(nullptr);  // destroying null handles is a no-op
  mvk_model_destroy(nullptr);
  mvk_context_destroy(nullptr);

  mvk_network_destroy(net);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
}

// Networks keep their context's device alive: destroying the context first is no use-after-free
// (the sanitizer job runs this under AddressSanitizer), and the network still runs until it goes.
TEST_CASE("C API: a network may outlive its context, and runs until it is destroyed") {
  mvk_model model = nullptr;
  REQUIRE(mvk_model_load(shared("models/mobilenet_v1_0.25_128_quant.tflite").c_str(), &model) == MVK_OK);
  const size_t classes = mvk_model_output_size(model);
  std::vector<uint8_t> rgba(32 * 24 * 4, 128);
  for (const bool contextFirst : {true, false}) {
    CAPTURE(contextFirst);
    mvk_context ctx = nullptr;
    REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
    mvk_network net = nullptr;
    REQUIRE(mvk_network_create(ctx, model, 0, &net) == MVK_OK);
    std::vector<float> before(classes), after(classes);
    REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, before.data(), before.size()) == MVK_OK);
    if (contextFirst) {
      mvk_context_destroy(ctx);
      REQUIRE(mvk_classify_rgba8(net, rgba.data(), rgba.size(), 32, 24, after.data(), after.size()) == MVK_OK);
      CHECK(after == before);
      mvk_network_destroy(net);
    } else {
      mvk_network_destroy(net);
      mvk_context_destroy(ctx);
    }
  }
  mvk_model_destroy(model);
}
