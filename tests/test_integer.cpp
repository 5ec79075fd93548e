// Integer execution's building blocks and its CPU twin. Bit-exactness against TFLite's runtime on
// every shared quantized model is the ctest litert/integer-cpu-vs-litert (LiteRT under Node); here:
// the requantization arithmetic, the importer's integers, batches, and the int8 VWW model (which
// LiteRT.js cannot be fed: it takes no int8 input tensor) against its float twin.
#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/quantization.h"
#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/model.h"
#include "mobilevk/reference.h"

using namespace mobilevk;

namespace {
std::string shared(const std::string& rel) { return std::string(MOBILEVK_SHARED_DIR) + "/" + rel; }
const char* const kPhotos[] = {"bird.bmp", "cat.bmp", "grace_hopper.bmp", "missvickie_potato_chips.bmp", "sunflower.bmp",
                               "cat_720p.jpg", "face.jpg", "hot_dog.jpg", "kite_and_cold.jpg", "pets.jpg"};
}  // namespace

TEST_CASE("requantization: float scale, ties to even, clamped in the output's integers") {
  // 5 * 0.5 = 2.5 -> 2 and 7 * 0.5 = 3.5 -> 4 (ties to even, as XNNPACK's magic-number rounding).
  CHECK(requantize(5, 0.5f, 0, -128, 127) == 2);
  CHECK(requantize(7, 0.5f, 0, -128, 127) == 4);
  CHECK(requantize(-5, 0.5f, 0, -128, 127) == -2);
  CHECK(requantize(5, 0.5f, 128, 0, 255) == 130);
  CHECK(requantize(1000000, 0.5f, 128, 0, 255) == 255);   // saturates
  CHECK(requantize(-1000000, 0.5f, 128, 0, 255) == 0);
  CHECK(requantize(100, 0.5f, 128, 0, 150) == 150);       // a fused activation's upper bound
  // The accumulator goes to float first: 1.5 * 2^24 - 1 becomes 1.5 * 2^24, so times 2^-24 it is
  // the tie 1.5 -> 2, where exact arithmetic (1.49999994) would give 1.
  CHECK(requantize((3 << 23) - 1, 1.0f / 16777216.0f, 0, -128, 127) == 2);

  CHECK(requantizationScale(0.5f, 0.25f, 0.125f, "layer") == 1.0f);
  CHECK_THROWS_WITH_AS(requantizationScale(1.0f, 1.0f, 1.0f / 512.0f, "conv_1"), doctest::Contains("conv_1"), Error);
  CHECK_THROWS_AS(requantizationScale(1.0f, NAN, 1.0f, "conv_1"), Error);
}

TEST_CASE("activation ranges in output integers, as TFLite computes them") {
  TensorQuant u8{QuantType::UInt8, 6.0f / 255.0f, 0};
  int32_t lo = 0, hi = 0;
  activationRange(u8, -FLT_MAX, FLT_MAX, &lo, &hi);
  CHECK((lo == 0 && hi == 255));
  TensorQuant wide{QuantType::UInt8, 0.1f, 100};
  activationRange(wide, 0.0f, 6.0f, &lo, &hi);  // ReLU6: [zero point, zero point + round(6 / 0.1)]
  CHECK((lo == 100 && hi == 160));
  TensorQuant s8{QuantType::Int8, 0.05f, -10};
  activationRange(s8, 0.0f, FLT_MAX, &lo, &hi);  // ReLU
  CHECK((lo == -10 && hi == 127));
}

TEST_CASE("the importer keeps a quantized file's integers; a float file has none") {
  const Model quant = Model::load(shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  REQUIRE(quant.hasIntegerExecution());
  const Graph& g = ModelAccess::graph(quant);
  const Node& first = g.nodes.front();
  REQUIRE(first.quant);
  CHECK(first.quant->input.type == QuantType::UInt8);
  CHECK(first.quant->input.zeroPoint == 128);
  CHECK(first.quant->input.scale == doctest::Approx(1.0 / 128));
  CHECK(first.quant->weights.size() == first.conv.weights.size());
  CHECK(first.quant->bias.size() == size_t(first.conv.outChannels));
  // Dequantizing the kept integers gives the float path's weights.
  for (size_t i = 0; i < first.conv.weights.size(); i += 97) {
    const float real = first.quant->weightScale[0] * float(first.quant->weights[i] - first.quant->weightZeroPoint[0]);
    CHECK(real == doctest::Approx(first.conv.weights[i]).epsilon(1e-6));
  }
  CHECK(quant.outputQuantization().scale == doctest::Approx(1.0 / 256));
  CHECK_FALSE(quant.outputQuantization().isSigned);

  const Model int8 = Model::load(shared("models/vww_96_int8.tflite"));
  REQUIRE(int8.hasIntegerExecution());
  const Node& conv = ModelAccess::graph(int8).nodes.front();
  CHECK(conv.quant->weightType == QuantType::Int8);
  CHECK(conv.quant->weightScale.size() == size_t(conv.conv.outChannels));  // per channel
  CHECK(int8.inputQuantization().isSigned);

  const Model keras = Model::load(shared("models/mobilenet_v1_0.75_224_keras"));
  CHECK_FALSE(keras.hasIntegerExecution());
  CHECK_THROWS_WITH_AS(runIntegerReference(keras, HostTensor(keras.inputShape())), doctest::Contains("float path"), Error);
  CHECK_THROWS_AS(keras.outputQuantization(), Error);
}

TEST_CASE("integer CPU twin: a batch of 3 equals three single runs, integer for integer") {
  const Model model = Model::load(shared("models/mobilenet_v1_0.25_160_quant.tflite"));
  std::vector<HostTensor> singles;
  for (const char* photo : {"bird.bmp", "hot_dog.jpg", "sunflower.bmp"})
    singles.push_back(imagesToTensor({loadImage(shared(std::string("images/") + photo))}, model.input()));
  HostTensor batch(model.inputShape(3));
  for (size_t i = 0; i < 3; ++i)
    std::copy(singles[i].data.begin(), singles[i].data.end(), batch.data.begin() + long(i * singles[i].data.size()));
  const HostTensor all = runIntegerReference(model, batch);
  const size_t classes = all.data.size() / 3;
  for (size_t i = 0; i < 3; ++i) {
    const HostTensor one = runIntegerReference(model, singles[i]);
    CHECK(std::equal(one.data.begin(), one.data.end(), all.data.begin() + long(i * classes)));
  }
}

TEST_CASE("int8 VWW (per-channel int8 weights, int8 input): the integer twin agrees with the float model") {
  // LiteRT.js cannot take an int8 input tensor, so this file is checked against its float twin
  // (the same network trained and converted without quantization). Measured on these photos: the
  // top-1 agrees everywhere and probabilities differ by at most 0.027; 0.05 leaves room without
  // hiding a broken layer (a wrong zero point or scale moves them by far more).
  const Model int8 = Model::load(shared("models/vww_96_int8.tflite"));
  Model flt = Model::load(shared("models/vww_96_float.tflite"));
  const float scale[3] = {1.0f / 255, 1.0f / 255, 1.0f / 255}, offset[3] = {0, 0, 0};
  flt.setInputNormalization(scale, offset, "VWW float: x/255");
  for (const char* photo : kPhotos) {
    CAPTURE(photo);
    const Image img = loadImage(shared(std::string("images/") + photo));
    const HostTensor qi = runIntegerReference(int8, imagesToTensor({img}, int8.input()));
    const HostTensor fr = runReference(flt, imagesToTensor({img}, flt.input()));
    REQUIRE(qi.data.size() == 2);
    CHECK((qi.data[1] > qi.data[0]) == (fr.data[1] > fr.data[0]));
    CHECK(std::fabs(qi.data[1] - fr.data[1]) <= 0.05);
  }
}
