// Integer execution's building blocks and its CPU twin. Bit-exactness against TFLite's runtime on
// every shared quantized model is the ctest litert/integer-cpu-vs-litert (LiteRT under Node); here:
// the requantization arithmetic, the importer's integers, batches, and the int8 VWW model (which
// LiteRT.js cannot be fed: it takes no int8 input tensor) against its float twin.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cpu/reference.h"
#include "graph/model_access.h"
#include "graph/op_table.h"
#include "graph/quantization.h"
#include "half.h"
#include "helpers.h"
#include "internal_access.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {
using testing::shared;
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
  CHECK(first.quant->weights.size() == first.conv().weights.size());
  CHECK(first.quant->bias.size() == size_t(first.conv().outChannels));
  // Dequantizing the kept integers gives the float path's weights.
  for (size_t i = 0; i < first.conv().weights.size(); i += 97) {
    const float real = first.quant->weightScale[0] * float(first.quant->weights[i] - first.quant->weightZeroPoint[0]);
    CHECK(real == doctest::Approx(first.conv().weights[i]).epsilon(1e-6));
  }
  CHECK(quant.outputQuantization().scale == doctest::Approx(1.0 / 256));
  CHECK_FALSE(quant.outputQuantization().isSigned);

  const Model int8 = Model::load(shared("models/vww_96_int8.tflite"));
  REQUIRE(int8.hasIntegerExecution());
  const Node& conv = ModelAccess::graph(int8).nodes.front();
  CHECK(conv.quant->weightType == QuantType::Int8);
  CHECK(conv.quant->weightScale.size() == size_t(conv.conv().outChannels));  // per channel
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

// ---- GPU integer ops against their CPU twins, bit for bit --------------------------------------

namespace {

struct IntCase {
  NodeKind kind;
  Shape in;
  int outChannels;  // conv-like kinds
  int k, stride;
  Padding padding;
  QuantType type;
  int32_t inZero, outZero;
  bool relu6;
  int dilation = 1;
};

int32_t randomIn(std::mt19937& rng, int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(rng); }

// A node of `c.kind` with random integers: weights over the type's range, per-channel scales
// spanning 1e-5..1 for int8 files (per-tensor for uint8, as TOCO writes them), int32 bias.
Node integerNode(const IntCase& c, std::mt19937& rng) {
  Node node;
  node.kind = c.kind;
  node.name = "int_op";
  ConvDesc d;
  d.name = node.name;
  d.inChannels = c.in.c;
  d.outChannels = c.kind == NodeKind::DepthwiseConv || !hasWeights(c.kind) ? c.in.c : c.outChannels;
  d.window = {c.k, c.k, c.stride, c.stride, c.padding};
  if (c.kind == NodeKind::Conv2D || c.kind == NodeKind::DepthwiseConv) d.window.dilationY = d.window.dilationX = c.dilation;
  QuantizedLayer q;
  // Softmax: a scale wide enough that a 1001-way row has more than two output values.
  q.input = {c.type, c.kind == NodeKind::Softmax ? 0.1f : 0.02f, c.inZero};
  q.output = {c.type, c.kind == NodeKind::Softmax ? 1.0f / 256 : 0.05f, c.kind == NodeKind::Softmax ? (c.type == QuantType::UInt8 ? 0 : -128) : c.outZero};
  if (c.kind == NodeKind::GlobalAvgPool || c.kind == NodeKind::MaxPool2D) q.output = q.input;
  q.activationMin = q.output.qmin();
  q.activationMax = q.output.qmax();
  if (c.relu6) activationRange(q.output, 0.0f, 6.0f, &q.activationMin, &q.activationMax);
  if (hasWeights(c.kind)) {
    const int kH = c.kind == NodeKind::PointwiseConv || c.kind == NodeKind::FullyConnected ? 1 : c.k;
    const size_t count = c.kind == NodeKind::DepthwiseConv ? size_t(kH) * kH * d.outChannels
                                                           : size_t(d.outChannels) * kH * kH * d.inChannels;
    q.weightType = c.type;
    const int32_t lo = c.type == QuantType::UInt8 ? 0 : -127, hi = c.type == QuantType::UInt8 ? 255 : 127;
    for (size_t i = 0; i < count; ++i) q.weights.push_back(randomIn(rng, lo, hi));
    const int taps = int(count / size_t(d.outChannels));
    if (c.type == QuantType::UInt8) {
      q.weightScale = {0.01f};
      q.weightZeroPoint = {randomIn(rng, 100, 150)};
    } else {
      for (int o = 0; o < d.outChannels; ++o) {
        q.weightScale.push_back(std::pow(10.0f, std::uniform_real_distribution<float>(-5.0f, 0.0f)(rng)));
        q.weightZeroPoint.push_back(0);
      }
    }
    // Output scale so that the typical accumulator lands inside the 8-bit range (some saturate).
    const float median = q.weightScale[q.weightScale.size() / 2];
    q.output.scale = q.input.scale * median * 40.0f * std::sqrt(float(taps));
    // ... but not so small that a channel's requantization scale reaches XNNPACK's limit of 256.
    const float largest = *std::max_element(q.weightScale.begin(), q.weightScale.end());
    q.output.scale = std::max(q.output.scale, q.input.scale * largest / 200.0f);
    for (int o = 0; o < d.outChannels; ++o) q.bias.push_back(randomIn(rng, -20000, 20000));
    if (c.relu6) activationRange(q.output, 0.0f, 6.0f, &q.activationMin, &q.activationMax);
  }
  if (hasWeights(c.kind)) node.params = d;
  else if (c.kind == NodeKind::MaxPool2D) node.params = PoolParams{d.window, Activation::none()};
  node.quant = q;
  return node;
}

QuantizedTensor randomQuantized(const Shape& s, const TensorQuant& q, std::mt19937& rng) {
  QuantizedTensor t(s, q);
  for (auto& v : t.data) v = randomIn(rng, q.qmin(), q.qmax());
  return t;
}

// Uploads `in`, runs `op` on the GPU, returns its output; the output buffer starts as 0xA5 bytes so
// an element the shader did not write cannot match, and its padding lanes must hold the zero point.
QuantizedTensor runGpuInteger(GpuOp& op, const QuantizedTensor& in, const TensorQuant& outQuant) {
  Gpu& gpu = InternalAccess::gpu(testing::context());
  const Shape outShape = op.outputShape(in.shape);
  Buffer inBuf(gpu, in.shape.packedElements(), MemoryUsage::Device, "integer test input");
  Buffer outBuf(gpu, outShape.packedElements(), MemoryUsage::Device, "integer test output");
  const auto inBytes = packQuantizedNC4HW4(in.shape, in.data, in.quant.zeroPoint);
  gpu.upload(inBuf, inBytes.data(), inBytes.size());
  const std::vector<uint8_t> sentinel(outShape.packedElements(), 0xA5);
  gpu.upload(outBuf, sentinel.data(), sentinel.size());
  op.bindStandalone(inBuf, outBuf, in.shape);
  gpu.runAndWait(
      [&](VkCommandBuffer cmd) {
        op.record(cmd);
        anyToHostBarrier(gpu.vk(), cmd);
      },
      "integer op test");
  std::vector<uint8_t> raw(outShape.packedElements());
  gpu.download(outBuf, raw.data(), raw.size());
  return testing::quantizedOutput(raw, outShape, outQuant);
}

// One case's random layer and input, and the CPU twin's output.
struct IntegerCaseData {
  Node node;
  QuantizedTensor in, ref;
};
IntegerCaseData integerCaseData(const IntCase& c, std::mt19937& rng) {
  IntegerCaseData d;
  d.node = integerNode(c, rng);
  d.in = randomQuantized(c.in, d.node.quant->input, rng);
  d.ref = opKind(c.kind).integerReference(d.node, {&d.in});
  return d;
}

// Runs the case on the GPU with an inner product and kernel variant (null: the default) and
// compares with the twin, integer for integer.
void checkIntegerCase(const IntCase& c, const IntegerCaseData& d, InnerProduct innerProduct,
                      const KernelVariant* variant = nullptr) {
  CAPTURE(nodeKindName(c.kind));
  CAPTURE(c.in.str());
  CAPTURE(c.inZero);
  CAPTURE(innerProduct == InnerProduct::PackedDot);
  CAPTURE(std::string(variant ? variant->name : "default"));
  Gpu& gpu = InternalAccess::gpu(testing::context());
  std::shared_ptr<const IntegerWeights> weights;
  if (hasWeights(c.kind)) {
    Gpu::UploadBatch uploads(gpu);
    weights = IntegerWeights::create(gpu, d.node, uploads, innerProduct);
    uploads.flush();
  }
  const auto op = makeIntegerGpuOp(gpu, d.node, weights, variant);
  const QuantizedTensor got = runGpuInteger(*op, d.in, d.node.quant->output);
  REQUIRE(got.shape == d.ref.shape);
  size_t mismatches = 0, first = 0;
  for (size_t i = 0; i < d.ref.data.size(); ++i)
    if (got.data[i] != d.ref.data[i] && mismatches++ == 0) first = i;
  CHECK_MESSAGE(mismatches == 0, mismatches << " of " << d.ref.data.size() << " differ; first at " << first << ": GPU "
                                            << got.data[first] << ", CPU " << d.ref.data[first]);
}

}  // namespace

TEST_CASE("integer GPU ops equal their CPU twins bit for bit (uint8 and int8, zero points at the edges)") {
  std::mt19937 rng(12012);
  const Padding same = Padding::same(), valid = Padding::valid();
  const QuantType u8 = QuantType::UInt8, s8 = QuantType::Int8;
  const std::vector<IntCase> cases = {
      // The stem: 3x3/s2 SAME on odd sizes, 3 input channels.
      {NodeKind::Conv2D, {1, 9, 11, 3}, 8, 3, 2, same, u8, 128, 0, true},
      {NodeKind::Conv2D, {3, 7, 5, 5}, 6, 3, 1, same, s8, -128, 5, false},
      {NodeKind::Conv2D, {2, 8, 8, 4}, 5, 2, 2, valid, u8, 255, 200, false},
      {NodeKind::DepthwiseConv, {1, 15, 9, 7}, 0, 3, 2, same, u8, 0, 128, true},
      {NodeKind::DepthwiseConv, {3, 6, 6, 5}, 0, 3, 1, same, s8, 127, -3, false},
      {NodeKind::DepthwiseConv, {2, 7, 7, 12}, 0, 3, 2, same, s8, -128, -128, true},
      {NodeKind::PointwiseConv, {3, 5, 7, 13}, 9, 1, 1, valid, u8, 128, 128, false},
      {NodeKind::PointwiseConv, {1, 7, 7, 64}, 30, 1, 1, valid, s8, 0, 0, true},
      {NodeKind::FullyConnected, {2, 1, 1, 37}, 11, 1, 1, valid, u8, 255, 100, false},
      {NodeKind::FullyConnected, {3, 1, 1, 64}, 2, 1, 1, valid, s8, -128, 0, false},
      {NodeKind::GlobalAvgPool, {3, 5, 3, 6}, 0, 1, 1, valid, u8, 128, 128, false},
      {NodeKind::GlobalAvgPool, {2, 7, 7, 13}, 0, 1, 1, valid, s8, -128, -128, false},
      {NodeKind::MaxPool2D, {2, 9, 7, 6}, 0, 3, 2, same, u8, 0, 0, false},
      {NodeKind::MaxPool2D, {1, 8, 8, 5}, 0, 2, 2, valid, s8, 127, 127, false},
      {NodeKind::Softmax, {2, 1, 1, 1001}, 0, 1, 1, valid, u8, 128, 0, false},
      {NodeKind::Softmax, {3, 2, 2, 5}, 0, 1, 1, valid, s8, -128, -128, false},
      // Dilated: stride 1 and 2, SAME and VALID, odd sizes (the padding holds the zero point).
      {NodeKind::DepthwiseConv, {1, 17, 15, 7}, 0, 3, 1, same, u8, 255, 128, true, 2},
      {NodeKind::DepthwiseConv, {2, 13, 12, 5}, 0, 3, 2, same, s8, -128, 3, false, 2},
      {NodeKind::DepthwiseConv, {1, 11, 19, 9}, 0, 3, 1, valid, u8, 130, 100, false, 4},
      {NodeKind::Conv2D, {1, 15, 13, 3}, 8, 3, 1, same, u8, 128, 100, true, 2},
      {NodeKind::Conv2D, {2, 11, 9, 5}, 6, 3, 2, valid, s8, -128, 5, false, 2},
  };
  // Each case with the default kernel, then every kernel variant of its kind, with each inner
  // product the device has: packed 4x8-bit dot products for the kinds that sum over channels where
  // the device has them (lavapipe, CI's device, does).
  const DeviceCapabilities& caps = InternalAccess::gpu(testing::context()).info().caps;
  if (caps.driverName == "llvmpipe" && caps.profile.empty()) REQUIRE(caps.integerDotProduct);
  for (const auto& c : cases) {
    const IntegerCaseData data = integerCaseData(c, rng);
    // The case exercises the arithmetic: not every output the same value.
    CAPTURE(c.in.str());
    CHECK(std::set<int32_t>(data.ref.data.begin(), data.ref.data.end()).size() >= (data.ref.data.size() > 4 ? 3u : 1u));
    const bool dot = caps.integerDotProduct && c.kind != NodeKind::DepthwiseConv && hasWeights(c.kind);
    std::vector<const KernelVariant*> variants = {nullptr};
    for (const KernelVariant* v : kernelVariants(c.kind, KernelPath::Integer)) variants.push_back(v);
    for (const KernelVariant* v : variants) {
      checkIntegerCase(c, data, InnerProduct::Plain, v);
      if (dot) checkIntegerCase(c, data, InnerProduct::PackedDot, v);
    }
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("packed dot product: refused by name on a device without it, reported by the network") {
  const Model model = Model::load(shared("models/mlir/mobilenet_v1_0.25_128_quant.tflite"));
  const DeviceCapabilities& caps = InternalAccess::gpu(testing::context()).info().caps;
  NetworkOptions options;
  options.dotProduct = NetworkOptions::DotProduct::Plain;
  CHECK_FALSE(Network(testing::context(), model, options).packedDotProduct());
  options.dotProduct = NetworkOptions::DotProduct::Auto;
  CHECK(Network(testing::context(), model, options).packedDotProduct() == caps.integerDotProduct);
  options.execution = NetworkOptions::Execution::Float;
  options.dotProduct = NetworkOptions::DotProduct::Packed;
  CHECK_FALSE(Network(testing::context(), model, options).packedDotProduct());
  options.execution = NetworkOptions::Execution::Integer;
  if (caps.integerDotProduct) {
    CHECK(Network(testing::context(), model, options).packedDotProduct());
  } else {
    try {
      Network net(testing::context(), model, options);
      FAIL("a packed dot product was accepted on a device without shaderIntegerDotProduct");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::Unsupported);
      CHECK(std::string(e.what()).find("shaderIntegerDotProduct") != std::string::npos);
    }
  }
}

TEST_CASE("integer networks on the GPU equal the CPU twin on real models: batch, every layer, both inner products") {
  for (const char* file : {"models/mobilenet_v1_0.5_160_quant.tflite", "models/mlir/mobilenet_v1_0.25_128_quant.tflite",
                           "models/vww_96_int8.tflite"}) {
    for (const auto dotProduct : {NetworkOptions::DotProduct::Plain, NetworkOptions::DotProduct::Packed}) {
      CAPTURE(file);
      CAPTURE(int(dotProduct));
      const Model model = Model::load(shared(file));
      NetworkOptions options;
      options.execution = NetworkOptions::Execution::Integer;
      options.dotProduct = dotProduct;
      if (dotProduct == NetworkOptions::DotProduct::Packed &&
          !InternalAccess::gpu(testing::context()).info().caps.integerDotProduct)
        continue;  // the op test above requires it on lavapipe
      options.batch = 3;
      options.keepLayerOutputs = true;
      Network net(testing::context(), model, options);
      HostTensor batch(model.inputShape(3));
      std::vector<Image> images;
      for (const char* photo : {"bird.bmp", "face.jpg", "hot_dog.jpg"})
        images.push_back(loadImage(shared(std::string("images/") + photo)));
      batch = imagesToTensor(images, model.input());
      const HostTensor gpu = net.run(batch);
      std::vector<QuantizedTensor> layers;
      QuantizedTensor in;
      in.shape = batch.shape;
      in.quant = ModelAccess::graph(model).nodes.front().quant->input;
      in.data = quantizeInput(model, batch);
      runIntegerReference(ModelAccess::graph(model), in, &layers);
      CHECK(gpu.data == runIntegerReference(model, batch).data);
      for (size_t i = 0; i < layers.size(); ++i) {
        CAPTURE(i);
        const HostTensor got = net.layerOutput(i);
        const QuantizedTensor& want = layers[i];
        bool same = got.data.size() == want.data.size();
        for (size_t j = 0; same && j < got.data.size(); ++j)
          same = got.data[j] == want.quant.scale * float(want.data[j] - want.quant.zeroPoint);
        CHECK(same);
      }
      const DeviceTensor out = net.outputTensor(0);
      CHECK(out.quantized);
      CHECK(out.size == model.outputShape(3).packedElements());
      testing::expectNoValidationMessages();
    }
  }
}

TEST_CASE("integer networks: frames in flight recorded into a host command buffer, and pixels through the GPU resize") {
  const Model model = Model::load(shared("models/mobilenet_v1_0.75_192_quant.tflite"));
  NetworkOptions options;
  options.execution = NetworkOptions::Execution::Integer;
  options.framesInFlight = 2;
  Network net(testing::context(), model, options);
  Gpu& gpu = InternalAccess::gpu(testing::context());
  const Image img = loadImage(shared("images/hot_dog.jpg"));
  std::vector<uint8_t> rgba(size_t(img.width) * img.height * 4, 255);
  for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&rgba[i * 4], &img.rgb[i * 3], 3);
  const HostTensor pixels = net.runPixels(rgba.data(), uint32_t(img.width), uint32_t(img.height));
  const HostTensor host = runIntegerReference(model, imagesToTensor({img}, model.input()));
  // The GPU resize is not the host's to the last 8-bit step (see the float test of runPixels); the
  // photo's class is unambiguous, so both must name it.
  const auto best = [](const HostTensor& t) {
    return int(std::max_element(t.data.begin(), t.data.end()) - t.data.begin());
  };
  CHECK(best(pixels) == best(host));
  CHECK(pixels.data[size_t(best(pixels))] >= 0.5f);
  // Frame 1 recorded by the host after writing the input tensor through a copy: equals run().
  const HostTensor tensor = imagesToTensor({img}, model.input());
  testing::runHostRecordedIntegerFrame(net, model, tensor, 1);
  CHECK(net.readOutput(1).data == host.data);
  testing::expectNoValidationMessages();
}
