// Hardening round 2, at the library level: models whose numbers are not finite are refused at
// load time naming the tensor or layer; readers never block on special files; atomic writes; the
// runPixels cache is bounded; a frame over the device's image limit is refused by name.
#include <doctest/doctest.h>
#include "internal_access.h"
#include <flatbuffers/flatbuffers.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "half.h"
#include "graph/model_access.h"
#include "import/importers.h"
#include "io/file_io.h"
#include "mobilevk/error.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "tflite_schema_generated.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {

using testing::shared;

// Imported and then validated as a Model, as Model::load does.
Model modelFromTflite(std::vector<uint8_t> bytes, const std::string& name) {
  return ModelAccess::model(importTfliteBytes(std::move(bytes), name));
}
Model modelFromKeras(const std::string& json, const std::string& dir) {
  return ModelAccess::model(importKerasJson(json, dir));
}

void expectImportError(std::vector<uint8_t> bytes, const std::vector<std::string>& needles) {
  try {
    modelFromTflite(std::move(bytes), "edited.tflite");
    FAIL("imported without error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& n : needles) CHECK_MESSAGE(msg.find(n) != std::string::npos, "'" << msg << "' lacks '" << n << "'");
  }
}

// Where in `bytes` the quantization parameters of the first tensor named `name` lie (the real
// file, edited in place: the same model with one number changed).
struct QuantSite {
  size_t scaleOffset = 0, zeroPointOffset = 0;
};
QuantSite quantizationOf(const std::vector<uint8_t>& bytes, const std::string& name) {
  const auto* model = tfl::GetModel(bytes.data());
  for (const auto* t : *model->subgraphs()->Get(0)->tensors())
    if (t->name() && t->name()->str() == name) {
      const auto* q = t->quantization();
      REQUIRE(q != nullptr);
      return {size_t(reinterpret_cast<const uint8_t*>(q->scale()->data()) - bytes.data()),
              size_t(reinterpret_cast<const uint8_t*>(q->zero_point()->data()) - bytes.data())};
    }
  FAIL("no tensor named " << name);
  return {};
}

void putFloat(std::vector<uint8_t>& bytes, size_t at, float v) { std::memcpy(&bytes[at], &v, 4); }
void putInt64(std::vector<uint8_t>& bytes, size_t at, int64_t v) { std::memcpy(&bytes[at], &v, 8); }

// A one-convolution float model whose weights are float16: input [1,4,4,3] -> CONV_2D 1x1 -> [1,4,4,2].
std::vector<uint8_t> float16ConvModel(const std::vector<float>& weights) {
  namespace T = tfl;
  flatbuffers::FlatBufferBuilder b;
  std::vector<uint8_t> half;
  for (float w : weights) {
    const uint16_t h = floatToHalf(w);
    half.push_back(uint8_t(h & 0xff));
    half.push_back(uint8_t(h >> 8));
  }
  std::vector<uint8_t> bias(8, 0);
  const std::vector<flatbuffers::Offset<T::Buffer>> buffers = {T::CreateBuffer(b), T::CreateBuffer(b, b.CreateVector(half)),
                                                               T::CreateBuffer(b, b.CreateVector(bias))};
  const std::vector<flatbuffers::Offset<T::Tensor>> tensors = {
      T::CreateTensor(b, b.CreateVector(std::vector<int>{1, 4, 4, 3}), 0, 0, b.CreateString("input")),
      T::CreateTensor(b, b.CreateVector(std::vector<int>{2, 1, 1, 3}), 1, 1, b.CreateString("weights")),
      T::CreateTensor(b, b.CreateVector(std::vector<int>{2}), 0, 2, b.CreateString("bias")),
      T::CreateTensor(b, b.CreateVector(std::vector<int>{1, 4, 4, 2}), 0, 0, b.CreateString("output"))};
  const auto options = T::CreateConv2DOptions(b, 1, 1, 1).Union();
  const auto op = T::CreateOperator(b, 0, b.CreateVector(std::vector<int>{0, 1, 2}), b.CreateVector(std::vector<int>{3}),
                                    T::BuiltinOptions_Conv2DOptions, options);
  const std::vector<flatbuffers::Offset<T::Operator>> ops = {op};
  const auto sg = T::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(std::vector<int>{0}),
                                    b.CreateVector(std::vector<int>{3}), b.CreateVector(ops));
  const std::vector<flatbuffers::Offset<T::OperatorCode>> codes = {T::CreateOperatorCode(b, 3, 0, 1, 3)};
  const std::vector<flatbuffers::Offset<T::SubGraph>> subgraphs = {sg};
  T::FinishModelBuffer(b, T::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs), 0, b.CreateVector(buffers)));
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace

TEST_CASE("quantization parameters that are not finite or out of range are refused, naming the tensor") {
  const auto good = readRegularFile(shared("models/mobilenet_v1_0.25_128_quant.tflite"), 1ull << 30);
  REQUIRE_NOTHROW(modelFromTflite(good, "unedited.tflite"));
  const std::string weights = "MobilenetV1/MobilenetV1/Conv2d_0/weights_quant/FakeQuantWithMinMaxVars";
  const std::string output = "MobilenetV1/MobilenetV1/Conv2d_0/Relu6";
  const QuantSite w = quantizationOf(good, weights), in = quantizationOf(good, "input"), out = quantizationOf(good, output);
  for (const float scale : {NAN, INFINITY, 0.0f, -0.02f}) {
    CAPTURE(scale);
    auto edited = good;
    putFloat(edited, w.scaleOffset, scale);
    expectImportError(edited, {"edited.tflite", weights, "quantization scale", "must be finite and > 0"});
    edited = good;
    putFloat(edited, in.scaleOffset, scale);
    expectImportError(edited, {"input tensor 'input'", "must be finite and > 0"});
    edited = good;
    putFloat(edited, out.scaleOffset, scale);
    expectImportError(edited, {"output tensor '" + output + "'", "must be finite and > 0"});
  }
  auto edited = good;
  putInt64(edited, w.zeroPointOffset, 300);
  expectImportError(edited, {weights, "zero point 300", "UINT8", "[0, 255]"});
  edited = good;
  putInt64(edited, in.zeroPointOffset, -1);
  expectImportError(edited, {"input tensor 'input'", "zero point -1"});
}

TEST_CASE("a requantization scale integer arithmetic cannot take leaves the file to the float path, saying why") {
  const auto good = readRegularFile(shared("models/mobilenet_v1_0.25_128_quant.tflite"), 1ull << 30);
  const std::string output = "MobilenetV1/MobilenetV1/Conv2d_0/Relu6";
  auto edited = good;
  // input scale 1/128 * weight scale ~0.02 / 1e-9 is far above XNNPACK's limit of 256.
  putFloat(edited, quantizationOf(good, output).scaleOffset, 1e-9f);
  const Model model = Model::fromTflite(edited.data(), edited.size(), "edited.tflite");
  CHECK_FALSE(model.hasIntegerExecution());
  CHECK(model.integerExecutionProblem().find("requantization scale") != std::string::npos);
  CHECK(model.integerExecutionProblem().find("Conv2d_0") != std::string::npos);
  NetworkOptions integer;
  integer.execution = NetworkOptions::Execution::Integer;
  CHECK_THROWS_WITH_AS(Network(testing::context(), model, integer), doctest::Contains("requantization scale"), Error);
  Network floatPath(testing::context(), model);  // Auto: the float path
  CHECK_FALSE(floatPath.integerExecution());
  CHECK(floatPath.run(HostTensor(model.inputShape())).data.size() == 1001);
}

TEST_CASE("a layer whose input is uint8 and output int8 (which TFLite does not allow) is refused, naming it") {
  auto bytes = readRegularFile(shared("models/mobilenet_v1_0.25_128_quant.tflite"), 1ull << 30);
  const std::string output = "MobilenetV1/MobilenetV1/Conv2d_0/Relu6";
  const auto* model = tfl::GetModel(bytes.data());
  const uint8_t* typeField = nullptr;
  for (const auto* t : *model->subgraphs()->Get(0)->tensors())
    if (t->name() && t->name()->str() == output)
      typeField = reinterpret_cast<const flatbuffers::Table*>(t)->GetAddressOf(tfl::Tensor::VT_TYPE);
  REQUIRE(typeField != nullptr);
  REQUIRE(*typeField == 3);  // UINT8
  bytes[size_t(typeField - bytes.data())] = 9;  // INT8
  putInt64(bytes, quantizationOf(bytes, output).zeroPointOffset, 0);  // a zero point int8 can hold
  expectImportError(bytes, {"edited.tflite", output, "mixed uint8/int8"});
}

TEST_CASE("per-channel int8 scales are checked channel by channel") {
  const auto good = readRegularFile(shared("models/vww_96_int8.tflite"), 1ull << 30);
  REQUIRE_NOTHROW(modelFromTflite(good, "unedited.tflite"));
  const auto* model = tfl::GetModel(good.data());
  // The first per-channel weight tensor: poison its third scale.
  for (const auto* t : *model->subgraphs()->Get(0)->tensors()) {
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() < 3 || t->type() != 9 /* INT8 */) continue;
    auto edited = good;
    putFloat(edited, size_t(reinterpret_cast<const uint8_t*>(q->scale()->data()) - good.data()) + 8, NAN);
    expectImportError(edited, {t->name()->str(), "channel 2", "must be finite and > 0"});
    return;
  }
  FAIL("no per-channel tensor found");
}

TEST_CASE("float16 weights that are Inf or NaN are refused") {
  const std::vector<float> finite = {0.5f, -1.0f, 2.0f, 0.25f, 0.0f, 1.5f};
  REQUIRE_NOTHROW(modelFromTflite(float16ConvModel(finite), "fp16.tflite"));
  for (const float bad : {INFINITY, -INFINITY, NAN}) {
    auto w = finite;
    w[4] = bad;
    expectImportError(float16ConvModel(w), {"tensor 'weights'", "non-finite float16 value at index 4"});
  }
}

TEST_CASE("Keras batch norms with negative epsilon, variance + epsilon <= 0, or a mistyped field are refused") {
  const std::string src = shared("models/mobilenet_v1_0.75_224_keras");
  const auto text = readRegularFile(src + "/model.json", 64ull << 20);
  const auto doc = nlohmann::json::parse(text.begin(), text.end());
  auto& layers = doc["modelTopology"]["model_config"]["config"]["layers"];
  size_t bn = 0;
  while (layers[bn]["class_name"] != "BatchNormalization") ++bn;
  const std::string name = layers[bn]["config"]["name"];
  auto load = [&](const nlohmann::json& edited) {
    const std::string dump = edited.dump();
    return modelFromKeras(dump, src);
  };
  REQUIRE_NOTHROW(load(doc));
  auto expect = [&](const nlohmann::json& edited, const std::vector<std::string>& needles) {
    try {
      load(edited);
      FAIL("loaded without error");
    } catch (const Error& e) {
      const std::string msg = e.what();
      for (const auto& n : needles) CHECK_MESSAGE(msg.find(n) != std::string::npos, "'" << msg << "' lacks '" << n << "'");
    }
  };
  auto edited = doc;
  edited["modelTopology"]["model_config"]["config"]["layers"][bn]["config"]["epsilon"] = -0.5;
  expect(edited, {"BatchNormalization '" + name + "'", "epsilon -0.5", "must be finite and >= 0"});
  edited["modelTopology"]["model_config"]["config"]["layers"][bn]["config"]["epsilon"] = "0.001";
  expect(edited, {"BatchNormalization '" + name + "'", "field 'epsilon' must be a number", "\"0.001\""});
  edited = doc;
  edited["modelTopology"]["model_config"]["config"]["layers"][bn]["config"]["center"] = "yes";
  expect(edited, {name, "field 'center' must be true or false"});
  // variance + epsilon <= 0: a copy of the model whose first moving_variance value is 0, epsilon 0.
  const std::string dir = testing::scratchDir() + "/zero-variance";
  mkdir(dir.c_str(), 0755);
  size_t offset = 0;
  std::string shardName;
  for (const auto& group : doc["weightsManifest"]) {
    for (const auto& p : group["paths"]) {
      const std::string rel = p.get<std::string>();
      const auto bytes = readRegularFile(src + "/" + rel, 1ull << 30);
      std::ofstream(dir + "/" + rel, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }
    size_t at = 0;
    for (const auto& w : group["weights"]) {
      if (w["name"] == name + "/moving_variance" && group["paths"].size() == 1) {
        shardName = group["paths"][0];
        offset = at;
      }
      size_t count = 1;
      for (const auto& d : w["shape"]) count *= d.get<size_t>();
      at += count * 4;
    }
  }
  REQUIRE(!shardName.empty());
  {
    std::fstream shard(dir + "/" + shardName, std::ios::binary | std::ios::in | std::ios::out);
    shard.seekp(std::streamoff(offset));
    const float zero = 0.0f;
    shard.write(reinterpret_cast<const char*>(&zero), 4);
  }
  edited = doc;
  edited["modelTopology"]["model_config"]["config"]["layers"][bn]["config"]["epsilon"] = 0.0;
  try {
    modelFromKeras(edited.dump(), dir);
    FAIL("loaded without error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK_MESSAGE(msg.find("moving_variance + epsilon is 0.000000 for channel 0; it must be > 0") != std::string::npos, msg);
  }
  // The same edited shard with the file's own epsilon loads: the check is not over-eager.
  CHECK_NOTHROW(modelFromKeras(doc.dump(), dir));
}

TEST_CASE("readers accept regular files only, bounded, without blocking") {
  const std::string dir = testing::scratchDir();
  const std::string fifo = dir + "/pipe";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(readRegularFile(fifo, 100), doctest::Contains("pipe: is a FIFO (named pipe), expected a regular file"), Error);
  CHECK_THROWS_WITH_AS(readRegularFile("/dev/zero", 100), doctest::Contains("/dev/zero: is a character device"), Error);
  CHECK_THROWS_WITH_AS(readRegularFile(dir, 100), doctest::Contains("is a directory"), Error);
  const std::string loop = dir + "/loop";
  REQUIRE(symlink(loop.c_str(), loop.c_str()) == 0);
  CHECK_THROWS_WITH_AS(readRegularFile(loop, 100), doctest::Contains("a loop of symbolic links"), Error);
  const std::string small = dir + "/small";
  std::ofstream(small) << "0123456789";
  CHECK(readRegularFile(small, 10).size() == 10);
  CHECK_THROWS_WITH_AS(readRegularFile(small, 9), doctest::Contains("10 bytes, over the limit of 9"), Error);
  CHECK_THROWS_WITH_AS(Model::load(fifo), doctest::Contains("is a FIFO"), Error);
}

TEST_CASE("atomic writes: never through a symlink, never over anything but a regular file") {
  const std::string dir = testing::scratchDir() + "/writes";
  mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/out.bin";
  writeFileAtomically(path, "one", 3, Replace::Never);
  CHECK(readRegularFile(path, 100).size() == 3);
  CHECK_THROWS_WITH_AS(writeFileAtomically(path, "two", 3, Replace::Never), doctest::Contains("already exists"), Error);
  writeFileAtomically(path, "three", 5, Replace::RegularFile);
  CHECK(readRegularFile(path, 100).size() == 5);
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  const mode_t mask = umask(0);
  umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));  // not mkstemp's 0600
  const std::string link = dir + "/link.bin";
  REQUIRE(symlink(path.c_str(), link.c_str()) == 0);
  CHECK_THROWS_WITH_AS(writeFileAtomically(link, "x", 1, Replace::RegularFile), doctest::Contains("is a symbolic link"), Error);
  CHECK(readRegularFile(path, 100).size() == 5);
  std::vector<std::string> left;
  for (const char* name : {"out.bin.mobilevk-", "link.bin.mobilevk-"}) {
    const std::string cmd = "ls " + dir + " | grep -c " + name + " >/dev/null";
    if (std::system(cmd.c_str()) == 0) left.push_back(name);
  }
  CHECK(left.empty());
}

TEST_CASE("runPixels keeps a bounded cache of frame sizes and refuses images over the device limit") {
  auto& ctx = testing::context();
  auto& gpu = InternalAccess::gpu(ctx);
  const Model model = testing::smallMobileNet(64, 5);
  Network net(ctx, model);
  std::vector<uint8_t> rgba(64 * 64 * 4, 100);
  net.runPixels(rgba.data(), 8, 8);
  const auto afterOne = gpu.allocator().stats();
  // 40 distinct sizes: the cache keeps the last kPixelPathCacheSize of them.
  for (uint32_t i = 0; i < 40; ++i) net.runPixels(rgba.data(), 9 + i, 9 + i);
  const auto afterMany = gpu.allocator().stats();
  // One entry = an image and a staging buffer (+ a readback where staging is needed).
  CHECK(afterMany.liveAllocations <= afterOne.liveAllocations + 3 * (Network::kPixelPathCacheSize - 1));
  // Evicted sizes come back with answers identical to their first ones. (An evicted image's cached
  // descriptor set goes with it: a stale one is undefined behaviour that crashed the webcam test
  // under load once; on lavapipe this loop does not reproduce that, it checks the answers.)
  std::vector<std::vector<float>> first;
  for (int round = 0; round < 2; ++round)
    for (uint32_t i = 0; i < 10; ++i) {
      const uint32_t side = 12 + 5 * i;
      std::vector<uint8_t> pattern(size_t(side) * side * 4);
      for (size_t p = 0; p < pattern.size(); ++p) pattern[p] = uint8_t((p * (i + 3) + i * 17) & 255);
      auto out = net.runPixels(pattern.data(), side, side).data;
      if (round == 0) first.push_back(std::move(out));
      else CHECK_MESSAGE(out == first[i], "size " << side << " answered differently after eviction");
    }
  const uint32_t limit = ctx.device().caps.maxImageDimension2D;
  REQUIRE(limit > 0);
  std::vector<uint8_t> wide(size_t(limit + 1) * 8 * 4, 50);
  CHECK_THROWS_WITH_AS(net.runPixels(wide.data(), limit + 1, 8), doctest::Contains("maxImageDimension2D"), Error);
  testing::expectNoValidationMessages();
}
