// Kernel variants chosen through tuning caches, and the tuner itself (mobilevk/tuning.h).
#include <doctest/doctest.h>
#include "internal_access.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "helpers.h"
#include "mobilevk/error.h"
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
  for (const auto& l : r.layers) {
    CAPTURE(l.name);
    const NodeKind kind = l.kind == "Conv2D" ? NodeKind::Conv2D : l.kind == "DepthwiseConv" ? NodeKind::DepthwiseConv
                                                                                              : NodeKind::PointwiseConv;
    CHECK(l.measured.size() == kernelVariants(kind, KernelPath::Float).size());
    CHECK(findKernelVariant(kind, KernelPath::Float, l.variant) != nullptr);
    for (const auto& [name, ms] : l.measured) CHECK(l.ms <= ms);
  }
  // The network given the cache runs the chosen variants, and stays within the float tolerance.
  NetworkOptions tuned;
  tuned.tuningCache = r.cache;
  Network net(*lc.context, model, tuned);
  const auto variants = net.kernelVariants();
  const auto layers = model.layers();
  size_t k = 0;
  for (size_t i = 0; i < layers.size(); ++i)
    if (!variants[i].empty()) {
      REQUIRE(k < r.layers.size());
      CHECK(variants[i] == r.layers[k++].variant);
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
  CHECK(lc.warnings.empty());
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
  const json good = {{"format", "mobilevk-tuning"},
                     {"version", 1},
                     {"device",
                      {{"name", device.name},
                       {"uuid", device.caps.deviceUuid},
                       {"driver", device.caps.driverName + " " + device.caps.driverInfo},
                       {"driver_version", device.caps.driverVersion}}},
                     {"layers", layers}};
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
  const std::vector<std::pair<std::string, std::string>> bad = {
      {foreign.dump(), "made on another device"},
      {stale.dump(), "made with another driver"},
      {oldVersion.dump(), "another version of mobilevk"},
      {otherFormat.dump(), "not a mobilevk tuning cache"},
      {noVariant.dump(), "has no \"variant\""},
      {"{\"format\": \"mobilevk-tuning\", \"version\": 1, \"layers\": {", "not JSON"},
      {std::string("\x00\x01garbage", 9), "not JSON"},
      {unknown.dump(), "variant 'px99-oc99' ignored (no such variant)"},
  };
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
