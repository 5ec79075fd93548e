// Malformed models, images and arrays: each gives a mobilevk::Error naming the file and the
// problem, never a crash or a model that runs wrongly.
#include <doctest/doctest.h>
#include "npy.h"
#include "internal_access.h"
#include <flatbuffers/flatbuffers.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "import/importers.h"
#include "io/file_io.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "graph/graph.h"
#include "mobilevk/model.h"
#include "tflite_schema_generated.h"

using namespace mobilevk;

namespace {

using testing::shared;

std::string writeFile(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = testing::scratchDir() + "/" + name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return path;
}

std::vector<uint8_t> readAll(const std::string& path) { return readRegularFile(path, 1ull << 30); }

// Expects Model::load(path) to throw an Error whose message contains every needle.
void expectLoadError(const std::string& path, const std::vector<std::string>& needles) {
  CAPTURE(path);
  try {
    Model::load(path);
    FAIL("loaded without error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& n : needles) CHECK_MESSAGE(msg.find(n) != std::string::npos, "'" << msg << "' lacks '" << n << "'");
  }
}

}  // namespace

TEST_CASE("bad TFLite files") {
  const auto good = readAll(shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  expectLoadError(writeFile("truncated.tflite", {good.begin(), good.begin() + 1000}), {"truncated.tflite", "corrupt"});
  expectLoadError(writeFile("empty.tflite", {}), {"empty.tflite", "not a TFLite model"});
  // Corrupt the root table offset: verification must fail, not read out of bounds.
  auto bad = good;
  bad[0] = 0xff;
  bad[1] = 0xff;
  bad[2] = 0xff;
  expectLoadError(writeFile("badroot.tflite", bad), {"badroot.tflite", "corrupt"});
  // A JPEG renamed .tflite.
  expectLoadError(writeFile("photo.tflite", readAll(shared("images/hot_dog.jpg"))), {"photo.tflite", "not a TFLite model"});
  // An op outside the supported set is refused by name.
  expectLoadError(writeFile("l2pool.tflite", testing::tinyTflite(12)), {"l2pool.tflite", "L2_POOL_2D", "not supported"});
  expectLoadError(writeFile("maxpool.tflite", testing::tinyTflite(17)), {"maxpool.tflite", "MAX_POOL_2D", "missing Pool2DOptions"});
  expectLoadError(writeFile("custom.tflite", testing::tinyTflite(32)), {"custom.tflite", "not supported"});
  expectLoadError(testing::scratchDir() + "/does-not-exist.tflite", {"does-not-exist.tflite", "no such file"});
  // Random bytes behind a valid identifier.
  std::vector<uint8_t> noise(4096);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = uint8_t(i * 131 + 7);
  std::copy_n("TFL3", 4, noise.begin() + 4);
  expectLoadError(writeFile("noise.tflite", noise), {"noise.tflite"});
}

TEST_CASE("bad Keras/TF.js models") {
  const std::string src = shared("models/mobilenet_v1_0.75_224_keras");
  const auto json = nlohmann::json::parse(readAll(src + "/model.json"));
  auto makeDir = [&](const std::string& name, const nlohmann::json& doc, bool linkShards) {
    const std::string dir = testing::scratchDir() + "/" + name;
    mkdir(dir.c_str(), 0755);
    const std::string text = doc.dump();
    writeFile(name + "/model.json", {text.begin(), text.end()});
    if (linkShards)
      for (const auto& g : doc["weightsManifest"])
        for (const auto& p : g["paths"]) {
          const std::string target = src + "/" + p.get<std::string>(), link = dir + "/" + p.get<std::string>();
          if (symlink(target.c_str(), link.c_str()) != 0) { /* exists from an earlier run */ }
        }
    return dir;
  };
  {
    auto doc = json;
    doc["modelTopology"]["model_config"]["config"]["layers"][5]["class_name"] = "MaxPooling2D";
    expectLoadError(makeDir("maxpool", doc, true), {"MaxPooling2D", "not supported"});
  }
  {
    auto doc = json;
    doc["modelTopology"]["model_config"]["config"]["layers"][3]["config"]["activation"] = "tanh";
    expectLoadError(makeDir("tanh", doc, true), {"tanh", "not supported"});
  }
  {
    auto doc = json;
    doc["modelTopology"]["model_config"]["config"]["layers"][1]["config"]["dilation_rate"] = {2, 2};
    expectLoadError(makeDir("dilated", doc, true), {"conv1", "dilation"});
  }
  // Functional graphs: layers read earlier layers by name, and an Add joins two of them.
  const auto layersOf = [](nlohmann::json& doc) -> nlohmann::json& { return doc["modelTopology"]["model_config"]["config"]["layers"]; };
  const auto inbound = [](const std::vector<std::string>& names) {
    nlohmann::json node = nlohmann::json::array();
    for (const auto& n : names) node.push_back({n, 0, 0, nlohmann::json::object()});
    return nlohmann::json::array({node});
  };
  {
    // conv_pw_1_relu + conv_pw_1_relu, read by conv_dw_2: the graph gains an ADD; the result is
    // the reference's.
    auto doc = json;
    auto& layers = layersOf(doc);
    size_t at = 0;
    while (layers[at]["name"] != "conv_dw_2") ++at;
    nlohmann::json add = {{"class_name", "Add"}, {"name", "twice"}, {"config", {{"name", "twice"}}},
                          {"inbound_nodes", inbound({"conv_pw_1_relu", "conv_pw_1_relu"})}};
    layers[at]["inbound_nodes"] = inbound({"twice"});
    layers.insert(layers.begin() + long(at), add);
    const Model model = Model::load(makeDir("add", doc, true));
    const auto& g = InternalAccess::graph(model);
    size_t adds = 0;
    for (const auto& n : g.nodes) adds += n.kind == NodeKind::Add;
    CHECK(adds == 1);
    CHECK(model.layers().size() == Model::load(src).layers().size() + 1);
    // A layer may not read a conv whose output a batch norm folded into: its value changed.
    auto bad = json;
    auto& badLayers = layersOf(bad);
    size_t pw = 0;
    while (badLayers[pw]["name"] != "conv_dw_2") ++pw;
    badLayers[pw]["inbound_nodes"] = inbound({"conv_pw_1"});
    expectLoadError(makeDir("readsfolded", bad, true), {"conv_dw_2", "reads 'conv_pw_1'", "folded"});
    // Nor a layer no earlier layer produces.
    badLayers[pw]["inbound_nodes"] = inbound({"nowhere"});
    expectLoadError(makeDir("readsnowhere", bad, true), {"conv_dw_2", "reads 'nowhere', which no earlier layer produces"});
  }
  // Shards missing.
  expectLoadError(makeDir("noshards", json, false), {"group1-shard1of1", "no such file"});
  {
    // A shard shorter than its manifest says.
    const std::string dir = makeDir("shortshard", json, true);
    const std::string shard = dir + "/group1-shard1of1";
    std::remove(shard.c_str());
    const auto bytes = readAll(src + "/group1-shard1of1");
    writeFile("shortshard/group1-shard1of1", {bytes.begin(), bytes.begin() + 100});
    expectLoadError(dir, {"conv1/kernel", "hold 100 bytes"});
  }
  const std::string garbage = "{ this is not json";
  expectLoadError(writeFile("broken.json", {garbage.begin(), garbage.end()}), {"broken.json", "not valid JSON"});
  const std::string notModel = "{\"hello\": 1}";
  expectLoadError(writeFile("other.json", {notModel.begin(), notModel.end()}), {"other.json", "modelTopology"});
}

TEST_CASE("bad images and arrays") {
  const auto jpeg = readAll(shared("images/hot_dog.jpg"));
  auto expectImageError = [](const std::string& path, const std::string& needle) {
    CAPTURE(path);
    try {
      loadImage(path);
      FAIL("decoded without error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  };
  expectImageError(writeFile("truncated.jpg", {jpeg.begin(), jpeg.begin() + 20}), "truncated.jpg");
  const std::string text = "just some text, not pixels";
  expectImageError(writeFile("text.png", {text.begin(), text.end()}), "not a readable JPEG, PNG or BMP");
  expectImageError(writeFile("empty.bmp", {}), "empty file");
  expectImageError(testing::scratchDir() + "/missing.jpg", "no such file");
  // A model file is not an image.
  expectImageError(shared("models/vww_96_int8.tflite"), "not a readable");

  auto expectNpyError = [](const std::string& path, const std::string& needle) {
    CAPTURE(path);
    try {
      readNpy(path);
      FAIL("read without error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  };
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2, 3), }";
  header.append(118 - header.size(), ' ');
  header += '\n';
  std::vector<uint8_t> f64 = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(header.size()), 0};
  f64.insert(f64.end(), header.begin(), header.end());
  f64.resize(f64.size() + 12 * 8);
  expectNpyError(writeFile("f64.npy", f64), "float32");
  expectNpyError(writeFile("notnpy.npy", jpeg), "bad magic");
  std::vector<float> d(12, 1.0f);
  writeNpy(testing::scratchDir() + "/short.npy", d, {1, 2, 2, 3}, true);
  auto shortBytes = readAll(testing::scratchDir() + "/short.npy");
  shortBytes.resize(shortBytes.size() - 4);
  expectNpyError(writeFile("short.npy", shortBytes), "data bytes");
}

TEST_CASE("absurd sizes are refused with the amount, before any allocation") {
  MobileNetV1Options o;
  o.alpha = 1.0f;
  o.resolution = 2048;  // 1024x1024x32 after the stem: 128 MiB per image
  const Model model = Model::mobileNetV1(o);
  try {
    InternalAccess::graph(model).inferShapes(64);  // 8 GiB activations
    FAIL("a 64 x 2048x2048 batch was accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("MiB") != std::string::npos);
  }
  CHECK_THROWS_AS(InternalAccess::graph(model).inferShapes(0), Error);
  CHECK_NOTHROW(InternalAccess::graph(model).inferShapes(1));
}

TEST_CASE("inputs that fuzzing broke are refused with a clear message") {
  // JPEGs whose Huffman table declares more than 256 codes (Debian's stb_image reads past its table):
  // a plain one; one with 0xFF fill bytes before SOI (stb still takes it for a JPEG); one whose table
  // counts run past the DHT segment's declared length (stb reads them anyway).
  const std::pair<const char*, const char*> jpegs[] = {
      {"stb-huffman-overflow.jpg", "declares 269 codes"},
      {"stb-huffman-fill-bytes-before-soi.jpg", "declares 1065 codes"},
      {"stb-huffman-counts-past-segment.jpg", "declares 512 codes"},
  };
  for (const auto& [file, message] : jpegs) {
    CAPTURE(file);
    try {
      loadImage(std::string(MOBILEVK_TEST_DIR) + "/fuzz/regressions/image/" + file);
      FAIL("decoded");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(std::string("corrupt JPEG (a Huffman table ") + message) != std::string::npos);
    }
  }
  // A .npy header declaring an enormous shape over 60 bytes of data: refused before allocating it.
  try {
    readNpy(std::string(MOBILEVK_TEST_DIR) + "/fuzz/regressions/npy/huge-shape.npy");
    FAIL("read");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("data bytes") != std::string::npos);
  }
}
