// Device profiles (ContextOptions::deviceProfile): every built-in profile clamps lavapipe to a
// mobile GPU's limits, networks planned under it stay inside them and still equal the CPU
// reference, tensors over a small maxTexelBufferElements are read through storage buffers, and bad
// profiles are refused by name.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "internal_access.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "mobilevk/tuning.h"
#include "ops/kernel_variants.h"
#include "runtime/network_impl.h"

using namespace mobilevk;
using nlohmann::json;

namespace {

struct ProfiledContext {
  std::vector<std::string> warnings, infos;
  std::unique_ptr<Context> context;
  explicit ProfiledContext(const std::string& profile) {
    ContextOptions o;
    o.validation = Validation::On;
    o.deviceProfile = profile;
    o.log = [this](LogLevel level, const std::string& m) {
      (level == LogLevel::Warning ? warnings : infos).push_back(m);
    };
    context = std::make_unique<Context>(o);
  }
  bool logged(const std::vector<std::string>& lines, const std::string& part) const {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
  }
  void expectNoValidationMessages() {
    for (const auto& m : context->validationMessages()) FAIL_CHECK("validation layer: " << m);
    context->clearValidationMessages();
  }
};

json builtInProfile(const std::string& name) {
  std::ifstream f(std::string(MOBILEVK_SOURCE_DIR) + "/engine/profiles/" + name + ".json");
  REQUIRE_MESSAGE(f, "cannot read engine/profiles/" << name << ".json");
  return json::parse(f);
}

std::string writeProfile(const json& j, const std::string& file) {
  const std::string path = testing::scratchDir() + "/" + file;
  std::ofstream(path) << j.dump(2);
  return path;
}

// Every layer's kernel variant is one the (clamped) device can run.
void expectPlanWithinDevice(const Network& net, const DeviceCapabilities& caps) {
  const auto& impl = InternalAccess::network(net);
  size_t checked = 0;
  for (const auto& op : impl.frames.front().ops) {
    if (!op->variant()) continue;
    ++checked;
    CHECK_MESSAGE(unsupportedReason(*op->variant(), caps, impl.options.precision).empty(),
                  "variant " << op->variant()->name << " is outside the profile " << caps.profile);
  }
  CHECK(checked > 0);
}

double maxAbsDiff(const HostTensor& a, const HostTensor& b) {
  REQUIRE(a.data.size() == b.data.size());
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::fabs(double(a.data[i]) - b.data[i]));
  return m;
}

int argmax(const HostTensor& t) { return int(std::max_element(t.data.begin(), t.data.end()) - t.data.begin()); }

}  // namespace

TEST_CASE("device profiles: every built-in one clamps the device to the profile's limits and features") {
  const auto names = deviceProfileNames();
  REQUIRE(names.size() >= 5);
  for (const auto& name : names) {
    CAPTURE(name);
    const json p = builtInProfile(name);
    CHECK(p["sources"].size() >= 1);
    ProfiledContext pc(name);
    const DeviceCapabilities& c = pc.context->device().caps;
    const DeviceCapabilities real = listDevices().at(pc.context->device().index).caps;
    CHECK(c.profile == name);
    CHECK(pc.context->device().type == p["type"].get<std::string>());
    const json& L = p["limits"];
    CHECK(c.maxWorkgroupInvocations == std::min<uint32_t>(L["maxComputeWorkGroupInvocations"].get<uint32_t>(), real.maxWorkgroupInvocations));
    for (int a = 0; a < 3; ++a)
      CHECK(c.maxWorkgroupSize[a] == std::min<uint32_t>(L["maxComputeWorkGroupSize"][a].get<uint32_t>(), real.maxWorkgroupSize[a]));
    CHECK(c.maxSharedMemoryBytes == std::min<uint32_t>(L["maxComputeSharedMemorySize"].get<uint32_t>(), real.maxSharedMemoryBytes));
    CHECK(c.maxStorageBufferRange == std::min<uint64_t>(L["maxStorageBufferRange"].get<uint64_t>(), real.maxStorageBufferRange));
    CHECK(c.maxTexelBufferElements == std::min<uint32_t>(L["maxTexelBufferElements"].get<uint32_t>(), real.maxTexelBufferElements));
    CHECK(c.maxPushConstantBytes == std::min<uint32_t>(L["maxPushConstantsSize"].get<uint32_t>(), real.maxPushConstantBytes));
    CHECK(c.minStorageBufferOffsetAlignment ==
          std::max<uint64_t>(L["minStorageBufferOffsetAlignment"].get<uint64_t>(), real.minStorageBufferOffsetAlignment));
    CHECK(c.subgroupSize == p["subgroup"]["size"].get<uint32_t>());
    const json& F = p["features"];
    CHECK(c.storage16bit == (F["storageBuffer16BitAccess"].get<bool>() && real.storage16bit));
    CHECK(c.float16Arithmetic == (F["shaderFloat16"].get<bool>() && real.float16Arithmetic));
    CHECK(c.integerDotProduct == (F["shaderIntegerDotProduct"].get<bool>() && real.integerDotProduct));
    for (const auto& op : c.subgroupOperations)
      CHECK(std::find(p["subgroup"]["operations"].begin(), p["subgroup"]["operations"].end(), op) != p["subgroup"]["operations"].end());
    // Where the profile claims more than lavapipe has, the device's value stays, with a warning.
    if (L["maxStorageBufferRange"].get<uint64_t>() > real.maxStorageBufferRange)
      CHECK(pc.logged(pc.warnings, "maxStorageBufferRange: the profile claims"));
    CHECK(pc.logged(pc.infos, "device profile " + name));
    pc.expectNoValidationMessages();
  }
}

TEST_CASE("device profiles: unknown names, malformed files and over-claims are reported by name") {
  ContextOptions o;
  o.deviceProfile = "nokia-3310";
  try {
    Context c(o);
    FAIL("an unknown profile name was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidArgument);
    const std::string msg = e.what();
    CHECK(msg.find("nokia-3310") != std::string::npos);
    for (const auto& n : deviceProfileNames()) CHECK(msg.find(n) != std::string::npos);
  }

  json missing = builtInProfile("mali-valhall");
  missing["limits"].erase("maxTexelBufferElements");
  o.deviceProfile = writeProfile(missing, "missing-field.json");
  try {
    Context c(o);
    FAIL("a profile without maxTexelBufferElements was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidArgument);
    CHECK(std::string(e.what()).find("limits.maxTexelBufferElements' is missing") != std::string::npos);
    CHECK(std::string(e.what()).find("missing-field.json") != std::string::npos);
  }

  json text = builtInProfile("mali-valhall");
  text["limits"]["maxComputeSharedMemorySize"] = "32K";
  o.deviceProfile = writeProfile(text, "non-numeric.json");
  CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("'limits.maxComputeSharedMemorySize' must be a non-negative integer, found \"32K\""), Error);

  json negative = builtInProfile("mali-valhall");
  negative["limits"]["maxComputeWorkGroupSize"][1] = -4;
  o.deviceProfile = writeProfile(negative, "negative.json");
  CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("'limits.maxComputeWorkGroupSize[1]' must be a non-negative integer"), Error);

  json badFlag = builtInProfile("mali-valhall");
  badFlag["features"]["shaderFloat16"] = 1;
  o.deviceProfile = writeProfile(badFlag, "bad-flag.json");
  CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("'features.shaderFloat16' must be true or false"), Error);

  o.deviceProfile = writeProfile(json::array({1, 2}), "not-an-object.json");
  CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("must be a JSON object"), Error);
  {
    const std::string path = testing::scratchDir() + "/truncated.json";
    std::ofstream(path) << "{\"name\": \"x\", \"limits\": {";
    o.deviceProfile = path;
    CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("is not valid JSON"), Error);
  }
  o.deviceProfile = testing::scratchDir() + "/no-such-profile.json";
  CHECK_THROWS_AS(Context{o}, Error);

  // A profile that claims more than the device has: the device's values are used, each over-claim
  // logged by name.
  json big = builtInProfile("adreno-6xx");
  big["name"] = "bigger-than-lavapipe";
  big["limits"]["maxComputeSharedMemorySize"] = 1u << 30;
  big["limits"]["maxStorageBufferRange"] = 4294967295ull;
  big["features"]["storageBuffer8BitAccess"] = true;
  std::vector<std::string> warnings;
  ContextOptions ob;
  ob.deviceProfile = writeProfile(big, "bigger.json");
  ob.log = [&](LogLevel level, const std::string& m) {
    if (level == LogLevel::Warning) warnings.push_back(m);
  };
  Context c(ob);
  const DeviceCapabilities real = listDevices().at(c.device().index).caps;
  CHECK(c.device().caps.maxSharedMemoryBytes == real.maxSharedMemoryBytes);
  CHECK(c.device().caps.maxStorageBufferRange == real.maxStorageBufferRange);
  const auto warned = [&](const std::string& part) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
  };
  CHECK(warned("maxComputeSharedMemorySize: the profile claims 1073741824, the device has " + std::to_string(real.maxSharedMemoryBytes)));
  CHECK(warned("maxStorageBufferRange: the profile claims 4294967295"));
  if (!real.storage8bit) CHECK(warned("storageBuffer8BitAccess: the profile claims it, the device lacks it"));
}

TEST_CASE("device profiles: a profile too small for every kernel refuses the network by name") {
  // Every kernel runs 64-invocation workgroups; a device allowing 32 cannot run MobileNet at all.
  json tiny = builtInProfile("raspberrypi4-v3d");
  tiny["name"] = "32-invocations";
  tiny["limits"]["maxComputeWorkGroupInvocations"] = 32;
  tiny["below_vulkan_minimums"] = true;  // Vulkan requires 128: only a test device is this small
  ContextOptions o;
  o.validation = Validation::On;
  o.deviceProfile = writeProfile(tiny, "tiny.json");
  Context ctx(o);
  const Model model = Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  for (const auto execution : {NetworkOptions::Execution::Integer, NetworkOptions::Execution::Float}) {
    NetworkOptions no;
    no.execution = execution;
    try {
      Network net(ctx, model, no);
      FAIL("a network was built on a device allowing 32 invocations per workgroup");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::Unsupported);
      CHECK(std::string(e.what()).find("invocations per workgroup, the device allows 32") != std::string::npos);
    }
  }
  CHECK(ctx.validationMessages().empty());
}

TEST_CASE("device profiles: fp16 is refused where the profile has no 16-bit storage; fp32 runs") {
  ProfiledContext pc("android-baseline-2022");
  REQUIRE_FALSE(pc.context->device().caps.storage16bit);
  const Model model = Model::load(testing::shared("models/mobilenet_v1_0.25_128_quant.tflite"));
  NetworkOptions fp16;
  fp16.execution = NetworkOptions::Execution::Float;
  fp16.precision = Precision::FP16;
  CHECK_THROWS_WITH_AS(Network(*pc.context, model, fp16), doctest::Contains("16-bit"), Error);
  NetworkOptions autoPrecision = fp16;
  autoPrecision.precisionPolicy = NetworkOptions::PrecisionPolicy::Auto;
  Network net(*pc.context, model, autoPrecision);
  CHECK(net.precision() == Precision::FP32);
  pc.expectNoValidationMessages();
}

TEST_CASE("device profiles: real models under every profile plan inside it and equal the CPU reference") {
  const HostTensor photo = imagesToTensor({loadImage(testing::shared("images/bird.bmp"))},
                                          Model::load(testing::shared("models/mobilenet_v1_0.5_160_quant.tflite")).input());
  const Model quant = Model::load(testing::shared("models/mobilenet_v1_0.5_160_quant.tflite"));
  const HostTensor integerReference = runIntegerReference(quant, photo);
  const HostTensor floatReference = runReference(quant, photo);
  for (const auto& name : deviceProfileNames()) {
    CAPTURE(name);
    ProfiledContext pc(name);
    const DeviceCapabilities& caps = pc.context->device().caps;
    // Integer execution: bit for bit the CPU twin, with whichever inner product the profile allows.
    {
      Network net(*pc.context, quant);
      REQUIRE(net.integerExecution());
      CHECK(net.packedDotProduct() == caps.integerDotProduct);
      expectPlanWithinDevice(net, caps);
      CHECK(maxAbsDiff(net.run(photo), integerReference) == 0.0);
    }
    // The float path of the same file, within the whole-network tolerance of test_models.cpp.
    {
      NetworkOptions o;
      o.execution = NetworkOptions::Execution::Float;
      Network net(*pc.context, quant, o);
      expectPlanWithinDevice(net, caps);
      const HostTensor out = net.run(photo);
      CHECK(argmax(out) == argmax(floatReference));
      CHECK(maxAbsDiff(out, floatReference) <= 5e-4);
    }
    // 0.5 @ 160's first layers hold 80x80x16 = 25600 texels: under 65536, so no storage fallback
    // here; the fallback is checked below.
    pc.expectNoValidationMessages();
  }
}

TEST_CASE("device profiles: tensors over maxTexelBufferElements are read through storage buffers, same results") {
  // 0.75 @ 224: the first depthwise input is 112x112x24 = 75264 texels, over the 65536 of the
  // Android baseline (the Vulkan minimum), and the last pointwise weights 1024x768 / 4 = 196608.
  const Model model = Model::load(testing::shared("models/mobilenet_v1_0.75_224_quant.tflite"));
  const HostTensor photo = imagesToTensor({loadImage(testing::shared("images/bird.bmp"))}, model.input());
  ProfiledContext pc("android-baseline-2022");
  REQUIRE(pc.context->device().caps.maxTexelBufferElements == 65536u);
  Network integerNet(*pc.context, model);
  CHECK(pc.logged(pc.infos, "over this device's maxTexelBufferElements of 65536, so depthwise_conv_int reads through storage buffers"));
  CHECK(maxAbsDiff(integerNet.run(photo), runIntegerReference(model, photo)) == 0.0);
  NetworkOptions o;
  o.execution = NetworkOptions::Execution::Float;
  Network floatNet(*pc.context, model, o);
  CHECK(pc.logged(pc.infos, "so pointwise_conv reads through storage buffers (pointwise_conv_ssbo)"));
  const HostTensor ref = runReference(model, photo);
  const HostTensor out = floatNet.run(photo);
  CHECK(argmax(out) == argmax(ref));
  CHECK(maxAbsDiff(out, ref) <= 5e-4);
  pc.expectNoValidationMessages();
}

TEST_CASE("device profiles: the tuner under a profile times only the variants the profile allows") {
  // The Android baseline has a subgroup of 1 (no tiled GEMM) and no fp16 arithmetic.
  ProfiledContext pc("android-baseline-2022");
  const Model model = testing::smallMobileNet(64, 10);
  TuningOptions options;
  options.iterations = 2;
  const TuningResult r = tuneKernels(*pc.context, model, options);
  size_t timed = 0;
  for (const auto& layer : r.layers)
    for (const auto& [variant, ms] : layer.measured) {
      ++timed;
      CHECK_MESSAGE(variant.rfind("tiled-", 0) != 0, "layer " << layer.name << " timed " << variant);
      CHECK_MESSAGE(variant.find("f16") == std::string::npos, "layer " << layer.name << " timed " << variant);
    }
  CHECK(timed > 0);
  // The cache it wrote says which profile it was tuned under: a context without it ignores it.
  const json cache = json::parse(r.cache);
  CHECK(cache["device"]["profile"] == "android-baseline-2022");
  std::vector<std::string> warnings;
  ContextOptions plain;
  plain.log = [&](LogLevel level, const std::string& m) {
    if (level == LogLevel::Warning) warnings.push_back(m);
  };
  Context bare(plain);
  NetworkOptions no;
  no.tuningCache = r.cache;
  Network net(bare, model, no);
  CHECK(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.find("tuned under device profile 'android-baseline-2022'") != std::string::npos;
  }));
  pc.expectNoValidationMessages();
}

TEST_CASE("device profiles: below Vulkan's minimums, deep nesting and terminal escapes are refused by name") {
  ContextOptions o;
  const auto refused = [&](const json& profile, const std::string& file, const std::string& part) {
    o.deviceProfile = writeProfile(profile, file);
    try {
      Context c(o);
      FAIL_CHECK("profile " << file << " was accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::InvalidArgument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
      CHECK(std::string(e.what()).find(file) != std::string::npos);
    }
  };
  json zero = builtInProfile("mali-valhall");
  zero["limits"]["maxComputeWorkGroupInvocations"] = 0;
  refused(zero, "zero-invocations.json", "'limits.maxComputeWorkGroupInvocations' is 0");
  json push = builtInProfile("mali-valhall");
  push["limits"]["maxPushConstantsSize"] = 0;
  refused(push, "zero-push.json", "'limits.maxPushConstantsSize' is 0");
  json range = builtInProfile("mali-valhall");
  range["limits"]["maxStorageBufferRange"] = 16;
  refused(range, "tiny-range.json", "'limits.maxStorageBufferRange' is 16, below Vulkan's required minimum of 134217728");
  json align = builtInProfile("mali-valhall");
  align["limits"]["minStorageBufferOffsetAlignment"] = 1ull << 31;
  refused(align, "huge-alignment.json", "'limits.minStorageBufferOffsetAlignment' is 2147483648; Vulkan requires a power of two of at most 256");
  // Even a test device must have something to run with.
  push["below_vulkan_minimums"] = true;
  refused(push, "zero-push-test.json", "'limits.maxPushConstantsSize' is 0");
  // A name with a terminal escape sequence would be echoed into the user's terminal.
  json escape = builtInProfile("mali-valhall");
  escape["name"] = "evil\x1b]0;pwned\x07";
  refused(escape, "escape.json", "'name' has a control or non-ASCII character: \"evil\\x1b]0;pwned\\x07\"");
  {
    // 500,000 levels under the 1 MiB limit: refused while parsing (it overflowed the stack while
    // the error message serialized it).
    const std::string path = testing::scratchDir() + "/deep.json";
    std::ofstream(path) << "{\"name\": " << std::string(500000, '[') << std::string(500000, ']') << "}";
    o.deviceProfile = path;
    CHECK_THROWS_WITH_AS(Context{o}, doctest::Contains("nests deeper than 100 levels"), Error);
  }
}
