// Kernel variants chosen through tuning caches, and the tuner itself (mobilevk/tuning.h).
#include <doctest/doctest.h>
#include "internal_access.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "helpers.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "mobilevk/tuning.h"
#include "ops/kernel_variants.h"
#include "runtime/network_impl.h"
#include "vulkan/gpu.h"

using namespace mobilevk;
using nlohmann::json;

namespace {

HostTensor someInput(const Shape& s) {
  HostTensor t(s);
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float((i * 131) % 997) / 498.5f - 1.0f;
  return t;
}

double maxAbsDiff(const HostTensor& a, const HostTensor& b) {
  REQUIRE(a.data.size() == b.data.size());
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::fabs(double(a.data[i]) - b.data[i]));
  return m;
}

// A context whose log messages the test reads.
struct LoggingContext {
  std::vector<std::string> warnings;
  std::unique_ptr<Context> context;
  LoggingContext() {
    ContextOptions o;
    o.validation = Validation::On;
    o.log = [this](LogLevel level, const std::string& m) {
      if (level == LogLevel::Warning) warnings.push_back(m);
    };
    context = std::make_unique<Context>(o);
  }
  bool warned(const std::string& part) const {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
  }
};

// A tuning cache for `device` written by hand (the format of runtime/tuning_cache.h).
json handWrittenCache(const DeviceInfo& device, const json& layers) {
  return {{"format", "mobilevk-tuning"},
          {"version", 1},
          {"device",
           {{"name", device.name},
            {"uuid", device.caps.deviceUuid},
            {"driver", device.caps.driverName + " " + device.caps.driverInfo},
            {"driver_version", device.caps.driverVersion}}},
          {"layers", layers}};
}

}  // namespace

TEST_CASE("tuning: the tuner's cache picks measured variants; the tuned network equals the CPU reference") {
  LoggingContext lc;
  const Model model = testing::smallMobileNet(64, 10);
  TuningOptions options;
  options.iterations = 3;
  int calls = 0, lastDone = 0, lastTotal = 0;
  options.progress = [&](int done, int total) {
    ++calls;
    lastDone = done;
    lastTotal = total;
  };
  const TuningResult r = tuneKernels(*lc.context, model, options);
  CHECK(calls > 0);
  CHECK(lastDone == lastTotal);
  CHECK(r.rejected.empty());
  CHECK(r.defaultMs > 0);
  CHECK(r.tunedMs > 0);
  // Every conv layer (stem, 13 depthwise, 13 pointwise) was tuned among its kind's variants, each
  // of which ran.
  REQUIRE(r.layers.size() == 27);
  const auto layers = model.layers();
  for (const auto& l : r.layers) {
    CAPTURE(l.name);
    const NodeKind kind = l.kind == "Conv2D" ? NodeKind::Conv2D : l.kind == "DepthwiseConv" ? NodeKind::DepthwiseConv
                                                                                              : NodeKind::PointwiseConv;
    size_t supported = 0;  // fp32 tensors: every variant but the fp16-arithmetic ones
    const auto layerIt = std::find_if(layers.begin(), layers.end(), [&](const LayerSummary& s) { return s.name == l.name; });
    REQUIRE(layerIt != layers.end());
    const bool smallMap = layerIt->outputShape.h * layerIt->outputShape.w <= 14 * 14;
    for (const KernelVariant* v : kernelVariants(kind, KernelPath::Float))
      supported += unsupportedReason(*v, lc.context->device().caps, Precision::FP32).empty();
    // A depthwise layer on a late map is also measured fused with the pointwise one after it.
    if (kind == NodeKind::DepthwiseConv && smallMap)
      for (const KernelVariant* v : kernelVariants(NodeKind::DepthwisePointwiseConv, KernelPath::Float))
        supported += unsupportedReason(*v, lc.context->device().caps, Precision::FP32).empty();
    CHECK(l.measured.size() == supported);
    CHECK(l.storage == "fp32");
    CHECK((findKernelVariant(kind, KernelPath::Float, l.variant) != nullptr ||
           (kind == NodeKind::DepthwiseConv && findKernelVariant(NodeKind::DepthwisePointwiseConv, KernelPath::Float, l.variant))));
    // The fastest unfused variant wins unless a fused one (its time: this layer and the next) does.
    const auto fused = [&](const std::string& name) { return name.rfind("fused-pw-", 0) == 0; };
    for (const auto& [name, ms] : l.measured)
      if (fused(name) == fused(l.variant)) CHECK(l.ms <= ms);
  }
  // The network given the cache runs the chosen variants, and stays within the float tolerance.
  NetworkOptions tuned;
  tuned.tuningCache = r.cache;
  Network net(*lc.context, model, tuned);
  const auto variants = net.kernelVariants();
  size_t k = 0;
  for (size_t i = 0; i < layers.size(); ++i)
    if (!variants[i].empty()) {
      REQUIRE(k < r.layers.size());
      const std::string& want = r.layers[k++].variant;
      CHECK((variants[i] == want || (variants[i] == "fused" && variants[i - 1].rfind("fused-pw-", 0) == 0)));
    }
  CHECK(k == r.layers.size());
  const HostTensor in = someInput(model.inputShape());
  CHECK(maxAbsDiff(net.run(in), runReference(model, in)) <= 1e-4);
  CHECK(lc.warnings.empty());
  CHECK(lc.context->validationMessages().empty());

  // Tuning another resolution with that cache keeps its entries and adds the new shapes.
  const Model other = testing::smallMobileNet(32, 10);
  options.network.tuningCache = r.cache;
  const TuningResult both = tuneKernels(*lc.context, other, options);
  const json a = json::parse(r.cache), b = json::parse(both.cache);
  for (const auto& [key, entry] : a["layers"].items()) CHECK(b["layers"].contains(key));
  CHECK(b["layers"].size() > a["layers"].size());
}

TEST_CASE("tuning: integer execution is tuned bit-exact to the CPU integer twin") {
  LoggingContext lc;
  const Model model = Model::load(testing::shared("models/mlir/mobilenet_v1_0.25_128_quant.tflite"));
  TuningOptions options;
  options.iterations = 2;
  const TuningResult r = tuneKernels(*lc.context, model, options);
  CHECK(r.rejected.empty());
  REQUIRE(r.layers.size() == 28);  // the file's classifier is a 1x1 convolution too
  NetworkOptions tuned;
  tuned.tuningCache = r.cache;
  Network net(*lc.context, model, tuned);
  REQUIRE(net.integerExecution());
  const HostTensor in = someInput(model.inputShape());
  CHECK(net.run(in).data == runIntegerReference(model, in).data);
  // The cache's keys say the storage: a float network of the same model finds none of them.
  NetworkOptions asFloat = tuned;
  asFloat.execution = NetworkOptions::Execution::Float;
  Network floatNet(*lc.context, model, asFloat);
  const auto defaults = Network(*lc.context, model, [] {
                          NetworkOptions o;
                          o.execution = NetworkOptions::Execution::Float;
                          return o;
                        }()).kernelVariants();
  CHECK(floatNet.kernelVariants() == defaults);
  // ... and says so, rather than silently running the defaults.
  REQUIRE(lc.warnings.size() == 1);
  CHECK_MESSAGE(lc.warned("entries is for a layer of this network as it runs (batch 1, fp32 tensors)"), lc.warnings.front());
}

TEST_CASE("tuning cache: foreign, stale, corrupt or unknown entries are ignored with a log message") {
  LoggingContext lc;
  const Model model = testing::smallMobileNet(32, 10);
  const HostTensor in = someInput(model.inputShape());
  const HostTensor expected = runReference(model, in);
  const std::vector<std::string> defaults = Network(*lc.context, model).kernelVariants();
  const DeviceInfo& device = lc.context->device();

  // A valid cache naming a non-default variant for every pointwise layer.
  Network probe(*lc.context, model);
  json layers = json::object();
  const auto& impl = InternalAccess::network(probe);
  const Graph& graph = InternalAccess::graph(model);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (graph.nodes[i].kind == NodeKind::PointwiseConv) layers[impl.tuningKeys[i]] = {{"variant", "px8-oc8"}};
  const json good = handWrittenCache(device, layers);
  {
    NetworkOptions o;
    o.tuningCache = good.dump();
    Network net(*lc.context, model, o);
    const auto variants = net.kernelVariants();
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      CHECK(variants[i] == (graph.nodes[i].kind == NodeKind::PointwiseConv ? "px8-oc8" : defaults[i]));
    CHECK(maxAbsDiff(net.run(in), expected) <= 1e-4);
    CHECK(lc.warnings.empty());
  }

  json foreign = good, stale = good, oldVersion = good, noVariant = good, unknown = good, otherFormat = good;
  foreign["device"]["uuid"] = "00112233445566778899aabbccddeeff";
  stale["device"]["driver_version"] = device.caps.driverVersion + 1;
  oldVersion["version"] = 0;
  otherFormat["format"] = "something-else";
  noVariant["layers"][impl.tuningKeys[1]] = {{"ms", 1.0}};
  for (auto& [key, entry] : unknown["layers"].items()) entry["variant"] = "px99-oc99";
  std::vector<std::pair<std::string, std::string>> bad = {
      {foreign.dump(), "made on another device"},
      {stale.dump(), "made with another driver"},
      {oldVersion.dump(), "another version of mobilevk"},
      {otherFormat.dump(), "not a mobilevk tuning cache"},
      {noVariant.dump(), "has no \"variant\""},
      {"{\"format\": \"mobilevk-tuning\", \"version\": 1, \"layers\": {", "not valid JSON"},
      {std::string("\x00\x01garbage", 9), "not valid JSON"},
      {unknown.dump(), "variant 'px99-oc99' ignored (no such variant)"},
  };
  // Fields of the wrong JSON type (they threw nlohmann's type_error 302 out of Network's
  // constructor), nesting that overflowed the stack while a message dumped it, a version that
  // truncated to 1, and a driver_version-only difference whose message showed two equal strings.
  json numberName = good, arrayDriver = good, stringMs = good, nullName = good, nullVariant = good, hugeVersion = good,
       otherDriverVersion = good, stringPrecision = good, escapes = good;
  numberName["device"]["name"] = 42;
  arrayDriver["device"]["driver"] = json::array({"llvmpipe"});
  for (auto& [key, entry] : stringMs["layers"].items()) entry["ms"] = "fast";
  nullName["device"]["name"] = nullptr;
  nullVariant["layers"][impl.tuningKeys[1]] = {{"variant", nullptr}};
  hugeVersion["version"] = 4294967297ull;
  otherDriverVersion["device"]["driver_version"] = device.caps.driverVersion + 7;
  stringPrecision["precision"] = {{"m #1 batch 1", {{"choice", "fp16"}, {"images", "three"}}}};
  escapes["device"]["name"] = "gpu\x1b[2J";
  bad.insert(bad.end(), {
      {numberName.dump(), "\"name\" of \"device\" must be a string, found 42"},
      {arrayDriver.dump(), "\"driver\" of \"device\" must be a string, found [\"llvmpipe\"]"},
      {stringMs.dump(), "must be a non-negative number, found \"fast\""},
      {nullName.dump(), "\"name\" of \"device\" must be a string, found null"},
      {nullVariant.dump(), "\"variant\" of layer"},
      {hugeVersion.dump(), "cache format version 4294967297, this one reads 1"},
      {otherDriverVersion.dump(), "driver_version " + std::to_string(device.caps.driverVersion + 7) + "), now"},
      {stringPrecision.dump(), "\"images\" of precision entry \"m #1 batch 1\" must be an integer, found \"three\""},
      {escapes.dump(), "made on another device (gpu\\x1b[2J"},
      {std::string(3000000, '[') + std::string(3000000, ']'), "nests deeper than 100 levels"},
  });
  for (const auto& [cache, why] : bad) {
    CAPTURE(why);
    lc.warnings.clear();
    NetworkOptions o;
    o.tuningCache = cache;
    Network net(*lc.context, model, o);  // never an error
    CHECK(net.kernelVariants() == defaults);
    CHECK(lc.warned(why));
    CHECK(maxAbsDiff(net.run(in), expected) <= 1e-4);
  }
  CHECK(lc.context->validationMessages().empty());
}

TEST_CASE("precision auto: tune decides fp16 against fp32 on real photos; networks follow the cache's decision") {
  LoggingContext lc;
  const DeviceCapabilities& caps = lc.context->device().caps;
  REQUIRE(caps.storage16bit);  // lavapipe has it; the decision below must be fp32-or-fp16 on evidence
  // A real model in float execution (its weights dequantized), and real photos.
  const Model model = Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  std::vector<HostTensor> photos;
  for (const char* name : {"images/bird.bmp", "images/cat.bmp", "images/grace_hopper.bmp"})
    photos.push_back(imagesToTensor({loadImage(testing::shared(name))}, model.input()));
  TuningOptions options;
  options.iterations = 2;
  options.network.execution = NetworkOptions::Execution::Float;
  options.network.precisionPolicy = NetworkOptions::PrecisionPolicy::Auto;
  // No photos, or photos of another shape: refused, naming why.
  CHECK_THROWS_WITH_AS(tuneKernels(*lc.context, model, options), doctest::Contains("needs real images"), Error);
  options.precisionCheckImages = {HostTensor(Shape{1, 96, 96, 3})};
  CHECK_THROWS_WITH_AS(tuneKernels(*lc.context, model, options), doctest::Contains("takes 1x128x128x3"), Error);

  options.precisionCheckImages = photos;
  const TuningResult r = tuneKernels(*lc.context, model, options);
  CHECK(r.rejected.empty());
  const PrecisionCheck& p = r.precision;
  REQUIRE(p.done);
  CHECK(p.images == 3);
  CHECK(p.fp32Ms > 0);
  CHECK(p.fp16Ms > 0);
  CHECK(std::isfinite(p.maxDeltaProb));
  CHECK(p.maxDeltaProb < 0.05);  // fp16 storage of a real model stays close to fp32
  const bool fp16Wins = p.fp16Ms < p.fp32Ms && p.top1Agrees && p.maxDeltaProb <= 0.01;
  CHECK((p.choice == Precision::FP16) == fp16Wins);
  // Both precisions' layers were tuned: fp16's among the fp16-arithmetic variants too.
  size_t fp32Layers = 0, fp16Layers = 0;
  for (const auto& l : r.layers) {
    fp32Layers += l.storage == "fp32";
    fp16Layers += l.storage == "fp16";
    if (l.storage == "fp16" && l.kind == "PointwiseConv" && caps.float16Arithmetic)
      CHECK(std::any_of(l.measured.begin(), l.measured.end(), [](const auto& m) { return m.first == "px4-oc8-f16acc32"; }));
  }
  CHECK(fp32Layers == 28);
  CHECK(fp16Layers == 28);
  const json cache = json::parse(r.cache);
  REQUIRE(cache["precision"].size() == 1);
  CHECK(cache["precision"].begin().value()["choice"] == (fp16Wins ? "fp16" : "fp32"));

  // A network with the policy follows the decision, and says why.
  NetworkOptions o;
  o.execution = NetworkOptions::Execution::Float;
  o.precisionPolicy = NetworkOptions::PrecisionPolicy::Auto;
  o.tuningCache = r.cache;
  {
    Network net(*lc.context, model, o);
    CHECK(net.precision() == p.choice);
    CHECK(net.precisionReason().find(p.reason) != std::string::npos);
  }
  // Each choice, forced in the cache, is what runs; its results stay those of that precision.
  const HostTensor in = photos[0];
  const HostTensor ref = runReference(model, in);
  for (const char* choice : {"fp16", "fp32"}) {
    CAPTURE(choice);
    json forced = cache;
    forced["precision"].begin().value()["choice"] = choice;
    o.tuningCache = forced.dump();
    Network net(*lc.context, model, o);
    CHECK(net.precision() == (std::string(choice) == "fp16" ? Precision::FP16 : Precision::FP32));
    CHECK(maxAbsDiff(net.run(in), ref) <= (std::string(choice) == "fp16" ? 0.03 : 1e-4));
  }
  // No decision for this batch, no cache, fixed policy: fp32 (or what was asked), with the reason.
  o.tuningCache = r.cache;
  o.batch = 2;
  CHECK(Network(*lc.context, model, o).precision() == Precision::FP32);
  CHECK(Network(*lc.context, model, o).precisionReason().find("no precision decision") != std::string::npos);
  o.batch = 1;
  o.tuningCache.clear();
  CHECK(Network(*lc.context, model, o).precisionReason().find("no tuning cache") != std::string::npos);
  o.precisionPolicy = NetworkOptions::PrecisionPolicy::Fixed;
  o.precision = Precision::FP16;
  o.tuningCache = r.cache;
  CHECK(Network(*lc.context, model, o).precision() == Precision::FP16);
  CHECK(Network(*lc.context, model, o).precisionReason().empty());
  // A corrupt decision: the whole cache is ignored with a message, fp32 runs.
  json corrupt = cache;
  corrupt["precision"].begin().value()["choice"] = "fp8";
  o.precisionPolicy = NetworkOptions::PrecisionPolicy::Auto;
  o.tuningCache = corrupt.dump();
  lc.warnings.clear();
  CHECK(Network(*lc.context, model, o).precision() == Precision::FP32);
  CHECK(lc.warned("no \"choice\" of fp32 or fp16"));
  CHECK(lc.context->validationMessages().empty());
}

TEST_CASE("default kernel variants follow the device's type, subgroup size and shared memory") {
  DeviceInfo d;
  d.caps.maxWorkgroupInvocations = 1024;
  d.caps.subgroupSize = 32;
  d.caps.maxSharedMemoryBytes = 49152;
  const auto pointwise = [&](const char* type) {
    d.type = type;
    return std::string(defaultKernelVariant(NodeKind::PointwiseConv, KernelPath::Float, d, Precision::FP32)->name);
  };
  CHECK(pointwise("cpu") == "px4-oc8");
  CHECK(pointwise("integrated") == "px4-oc16");
  CHECK(pointwise("discrete") == "tiled-px4-oc16-k4");
  d.caps.maxSharedMemoryBytes = 8192;  // too little for the tiles: the register blocks
  CHECK(pointwise("discrete") == "px4-oc16");
  d.caps.maxSharedMemoryBytes = 49152;
  d.caps.subgroupSize = 0;  // unknown subgroup size: no subgroup tiling
  CHECK(pointwise("discrete") == "px4-oc16");
  // Kinds without pointwise's choices take their table's first; the integer path has no tiles.
  CHECK(std::string(defaultKernelVariant(NodeKind::DepthwiseConv, KernelPath::Float, d, Precision::FP32)->name) == "ox4");
  d.caps.subgroupSize = 32;
  CHECK(std::string(defaultKernelVariant(NodeKind::PointwiseConv, KernelPath::Integer, d, Precision::FP32)->name) == "px4-oc16");
  CHECK(defaultKernelVariant(NodeKind::Softmax, KernelPath::Float, d, Precision::FP32) == nullptr);
  // fp16 arithmetic never runs on fp32 tensors, nor without shaderFloat16.
  const KernelVariant* half = findKernelVariant(NodeKind::PointwiseConv, KernelPath::Float, "px4-oc8-f16");
  REQUIRE(half);
  d.caps.float16Arithmetic = true;
  CHECK(unsupportedReason(*half, d.caps, Precision::FP32).find("only with fp16 tensors") != std::string::npos);
  CHECK(unsupportedReason(*half, d.caps, Precision::FP16).empty());
  d.caps.float16Arithmetic = false;
  CHECK(unsupportedReason(*half, d.caps, Precision::FP16).find("shaderFloat16") != std::string::npos);
  const KernelVariant* tiles = findKernelVariant(NodeKind::PointwiseConv, KernelPath::Float, "tiled-px8-oc8-k8");
  REQUIRE(tiles);
  d.caps.subgroupSize = 8;  // 8 x 8 workgroup: 64 pixels x 16 groups, 8 channel groups a step
  CHECK(sharedMemoryBytes(*tiles, 8) == 16 * 8 * (64 + 16 * 4));
  d.caps.maxSharedMemoryBytes = 16383;
  CHECK(unsupportedReason(*tiles, d.caps, Precision::FP32).find("16384 bytes of shared memory") != std::string::npos);
  d.caps.subgroupSize = 128;
  CHECK(unsupportedReason(*tiles, d.caps, Precision::FP32).find("subgroup size") != std::string::npos);
}

TEST_CASE("fused depthwise + pointwise: a cache that fuses the late layers runs one dispatch per pair, same results") {
  LoggingContext lc;
  const Model model = testing::smallMobileNet(64, 10);  // late maps 4x4 and 2x2; the 32x32 ones may not fuse
  const HostTensor in = someInput(model.inputShape(2));
  const HostTensor expected = runReference(model, in);
  NetworkOptions o;
  o.batch = 2;
  Network probe(*lc.context, model, o);
  const auto& impl = InternalAccess::network(probe);
  const Graph& graph = InternalAccess::graph(model);
  for (const char* variant : {"fused-pw-px4-oc8", "fused-pw-px4-oc32"}) {
    CAPTURE(variant);
    json layers = json::object();
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (graph.nodes[i].kind == NodeKind::DepthwiseConv) layers[impl.fusionKeys[i]] = {{"variant", variant}};
    o.tuningCache = handWrittenCache(lc.context->device(), layers).dump();
    lc.warnings.clear();
    Network net(*lc.context, model, o);
    const auto variants = net.kernelVariants();
    const std::vector<Shape> shapes = graph.inferShapes(2);
    size_t pairs = 0;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (graph.nodes[i].kind != NodeKind::DepthwiseConv) continue;
      const Shape& out = shapes[size_t(graph.outputOf(NodeId(i)))];
      const bool small = out.h * out.w <= 14 * 14;
      CHECK(variants[i] == (small ? variant : "ox4"));  // large maps: refused with a message, the default runs
      CHECK(variants[i + 1] == (small ? "fused" : "px4-oc8"));
      pairs += small;
    }
    CHECK(pairs >= 8);
    CHECK(lc.warned("is for maps up to 14x14"));
    CHECK(maxAbsDiff(net.run(in), expected) <= 1e-4);
    CHECK(maxAbsDiff(net.run(in), expected) <= 1e-4);  // replays too
    // One dispatch per pair, so one barrier fewer per pair.
    CHECK(net.barrierCount() + pairs == probe.barrierCount());
    // With every layer's output kept, nothing fuses (the depthwise outputs must stay readable).
    NetworkOptions keep = o;
    keep.keepLayerOutputs = true;
    lc.warnings.clear();
    Network kept(*lc.context, model, keep);
    for (const auto& v : kept.kernelVariants()) CHECK(v.rfind("fused", 0) != 0);
    CHECK(lc.warned("keepLayerOutputs needs the depthwise output"));
    CHECK(maxAbsDiff(kept.run(in), expected) <= 1e-4);
    // The same variant under a depthwise layer's own key decides nothing: a fusion is the pair's
    // decision, keyed by both layers, so it cannot carry over to another pointwise layer.
    json alone = json::object();
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (graph.nodes[i].kind == NodeKind::DepthwiseConv) alone[impl.tuningKeys[i]] = {{"variant", variant}};
    NetworkOptions single = o;
    single.tuningCache = handWrittenCache(lc.context->device(), alone).dump();
    lc.warnings.clear();
    Network one(*lc.context, model, single);
    for (const auto& v : one.kernelVariants()) CHECK(v.rfind("fused", 0) != 0);
    CHECK(lc.warned("a fused variant is decided for a depthwise + pointwise pair"));
  }
  CHECK(lc.context->validationMessages().empty());
}
