#include "vulkan/device_profile.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "io/file_io.h"
#include "io/json_read.h"
#include "mobilevk/error.h"

namespace mobilevk {

// engine/profiles/*.json, embedded by CMake (engine/CMakeLists.txt): {file name without .json, text}.
struct EmbeddedProfile {
  const char* name;
  const char* json;
};
extern const EmbeddedProfile kEmbeddedProfiles[];
extern const size_t kEmbeddedProfileCount;

std::vector<std::string> deviceProfileNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kEmbeddedProfileCount; ++i) names.push_back(kEmbeddedProfiles[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(const std::string& origin) : origin_(origin) {}
  const json& field(const json& parent, const std::string& path, const char* key) const {
    if (!parent.is_object() || !parent.contains(key)) fail(path + key, "is missing");
    return parent.at(key);
  }
  uint64_t number(const json& parent, const std::string& path, const char* key, uint64_t max = UINT32_MAX) const {
    const json& v = field(parent, path, key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      fail(path + key, "must be a non-negative integer, found " + describeJson(v));
    const uint64_t n = v.get<uint64_t>();
    if (n > max) fail(path + key, "is " + std::to_string(n) + ", over the largest value Vulkan reports there (" + std::to_string(max) + ")");
    return n;
  }
  void triple(const json& parent, const std::string& path, const char* key, uint32_t out[3]) const {
    const json& v = field(parent, path, key);
    if (!v.is_array() || v.size() != 3) fail(path + key, "must be an array of 3 non-negative integers, found " + describeJson(v));
    for (size_t i = 0; i < 3; ++i) {
      if (!v[i].is_number_unsigned() && !(v[i].is_number_integer() && v[i].get<int64_t>() >= 0))
        fail(path + key + "[" + std::to_string(i) + "]", "must be a non-negative integer, found " + describeJson(v[i]));
      if (v[i].get<uint64_t>() > UINT32_MAX) fail(path + key + "[" + std::to_string(i) + "]", "is over 2^32-1");
      out[i] = v[i].get<uint32_t>();
    }
  }
  bool flag(const json& parent, const std::string& path, const char* key) const {
    const json& v = field(parent, path, key);
    if (!v.is_boolean()) fail(path + key, "must be true or false, found " + describeJson(v));
    return v.get<bool>();
  }
  std::string text(const json& parent, const std::string& path, const char* key) const {
    const json& v = field(parent, path, key);
    if (!v.is_string() || v.get<std::string>().empty()) fail(path + key, "must be a non-empty string, found " + describeJson(v));
    const std::string s = v.get<std::string>();
    // Names and descriptions are printed to terminals and logs: printable ASCII only.
    if (printable(s, s.size()) != s) fail(path + key, "has a control or non-ASCII character: " + describeJson(v));
    return s;
  }
  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw Error(ErrorCode::InvalidArgument, "device profile " + origin_ + ": field '" + field + "' " + problem);
  }

 private:
  std::string origin_;
};

const char* const kSubgroupOperations[] = {"basic", "vote", "arithmetic", "ballot", "shuffle", "shuffle_relative", "clustered", "quad"};

}  // namespace

DeviceProfile parseDeviceProfile(const std::string& text, const std::string& origin) {
  const json j = parseJsonBounded(text, "device profile " + origin);
  if (!j.is_object()) throw Error(ErrorCode::InvalidArgument, "device profile " + origin + " must be a JSON object");
  const Reader r(origin);
  DeviceProfile p;
  p.origin = origin;
  p.name = r.text(j, "", "name");
  p.device = r.text(j, "", "device");
  p.type = r.text(j, "", "type");
  static const char* const types[] = {"discrete", "integrated", "virtual", "cpu", "other"};
  if (std::none_of(std::begin(types), std::end(types), [&](const char* t) { return p.type == t; }))
    r.fail("type", "is \"" + p.type + "\"; known: discrete integrated virtual cpu other");
  const json& sources = r.field(j, "", "sources");
  if (!sources.is_array() || sources.empty()) r.fail("sources", "must list where the values come from (a capability report, a driver's source)");

  auto& c = p.limits;
  const json& limits = r.field(j, "", "limits");
  const std::string lp = "limits.";
  r.triple(limits, lp, "maxComputeWorkGroupSize", c.maxWorkgroupSize);
  r.triple(limits, lp, "maxComputeWorkGroupCount", c.maxWorkgroupCount);
  c.maxWorkgroupInvocations = uint32_t(r.number(limits, lp, "maxComputeWorkGroupInvocations"));
  c.maxSharedMemoryBytes = uint32_t(r.number(limits, lp, "maxComputeSharedMemorySize"));
  c.maxStorageBufferRange = r.number(limits, lp, "maxStorageBufferRange");
  c.maxTexelBufferElements = uint32_t(r.number(limits, lp, "maxTexelBufferElements"));
  c.maxPushConstantBytes = uint32_t(r.number(limits, lp, "maxPushConstantsSize"));
  c.maxBoundDescriptorSets = uint32_t(r.number(limits, lp, "maxBoundDescriptorSets"));
  c.maxPerStageStorageBuffers = uint32_t(r.number(limits, lp, "maxPerStageDescriptorStorageBuffers"));
  c.maxPerStageSampledImages = uint32_t(r.number(limits, lp, "maxPerStageDescriptorSampledImages"));
  c.minStorageBufferOffsetAlignment = r.number(limits, lp, "minStorageBufferOffsetAlignment");
  c.maxImageDimension2D = uint32_t(r.number(limits, lp, "maxImageDimension2D"));
  c.maxMemoryAllocationSize = r.number(limits, lp, "maxMemoryAllocationSize", UINT64_MAX);
  const uint64_t align = c.minStorageBufferOffsetAlignment;
  if (align == 0 || (align & (align - 1)) != 0 || align > 256)
    r.fail(lp + "minStorageBufferOffsetAlignment", "is " + std::to_string(align) + "; Vulkan requires a power of two of at most 256");
  // Vulkan's required minimums (the spec's "Required Limits" table; every conformant device meets
  // them). A test device may go below them to exercise a fallback: "below_vulkan_minimums": true.
  const bool belowMinimums = j.contains("below_vulkan_minimums") && r.flag(j, "", "below_vulkan_minimums");
  const auto atLeast = [&](const std::string& field, uint64_t value, uint64_t minimum) {
    if (value == 0) r.fail(field, "is 0; nothing can run on such a device");
    if (value < minimum && !belowMinimums)
      r.fail(field, "is " + std::to_string(value) + ", below Vulkan's required minimum of " + std::to_string(minimum) +
                        " (a test profile may set \"below_vulkan_minimums\": true)");
  };
  const uint32_t minSize[3] = {128, 128, 64};
  for (int a = 0; a < 3; ++a) {
    atLeast(lp + "maxComputeWorkGroupSize[" + std::to_string(a) + "]", c.maxWorkgroupSize[a], minSize[a]);
    atLeast(lp + "maxComputeWorkGroupCount[" + std::to_string(a) + "]", c.maxWorkgroupCount[a], 65535);
  }
  atLeast(lp + "maxComputeWorkGroupInvocations", c.maxWorkgroupInvocations, 128);
  atLeast(lp + "maxComputeSharedMemorySize", c.maxSharedMemoryBytes, 16384);
  atLeast(lp + "maxStorageBufferRange", c.maxStorageBufferRange, 1u << 27);
  atLeast(lp + "maxTexelBufferElements", c.maxTexelBufferElements, 65536);
  atLeast(lp + "maxPushConstantsSize", c.maxPushConstantBytes, 128);
  atLeast(lp + "maxBoundDescriptorSets", c.maxBoundDescriptorSets, 4);
  atLeast(lp + "maxPerStageDescriptorStorageBuffers", c.maxPerStageStorageBuffers, 4);
  atLeast(lp + "maxPerStageDescriptorSampledImages", c.maxPerStageSampledImages, 16);
  atLeast(lp + "maxImageDimension2D", c.maxImageDimension2D, 4096);
  // Vulkan 1.1's maintenance3 asks 2^30, yet the published reports the built-in profiles cite give
  // 256 MiB on phones: that is the floor taken here.
  atLeast(lp + "maxMemoryAllocationSize", c.maxMemoryAllocationSize, 256u << 20);

  const json& subgroup = r.field(j, "", "subgroup");
  c.subgroupSize = uint32_t(r.number(subgroup, "subgroup.", "size", 128));
  if (c.subgroupSize == 0 || (c.subgroupSize & (c.subgroupSize - 1)) != 0) r.fail("subgroup.size", "must be a power of two from 1 to 128");
  c.subgroupInCompute = r.flag(subgroup, "subgroup.", "compute");
  const json& ops = r.field(subgroup, "subgroup.", "operations");
  if (!ops.is_array()) r.fail("subgroup.operations", "must be an array of operation names");
  for (const json& op : ops) {
    const bool known = op.is_string() && std::any_of(std::begin(kSubgroupOperations), std::end(kSubgroupOperations),
                                                     [&](const char* k) { return op.get<std::string>() == k; });
    if (!known) r.fail("subgroup.operations", "has " + describeJson(op) + "; known: basic vote arithmetic ballot shuffle shuffle_relative clustered quad");
    c.subgroupOperations.push_back(op.get<std::string>());
  }

  const json& features = r.field(j, "", "features");
  const std::string fp = "features.";
  c.storage16bit = r.flag(features, fp, "storageBuffer16BitAccess");
  c.storage8bit = r.flag(features, fp, "storageBuffer8BitAccess");
  c.float16Arithmetic = r.flag(features, fp, "shaderFloat16");
  c.int8Arithmetic = r.flag(features, fp, "shaderInt8");
  c.integerDotProduct = r.flag(features, fp, "shaderIntegerDotProduct");
  c.timestamps = r.flag(features, fp, "timestamps");
  return p;
}

DeviceProfile loadDeviceProfile(const std::string& nameOrPath) {
  for (size_t i = 0; i < kEmbeddedProfileCount; ++i)
    if (nameOrPath == kEmbeddedProfiles[i].name) {
      DeviceProfile p = parseDeviceProfile(kEmbeddedProfiles[i].json, std::string("'") + kEmbeddedProfiles[i].name + "' (built-in)");
      if (p.name != nameOrPath) throw Error(ErrorCode::Internal, "built-in device profile file " + nameOrPath + " names itself " + p.name);
      return p;
    }
  // Anything that looks like a file is read as one; a bare word is an unknown name.
  const bool looksLikePath = nameOrPath.find('/') != std::string::npos || nameOrPath.find(".json") != std::string::npos;
  if (!looksLikePath) {
    std::string known;
    for (const auto& n : deviceProfileNames()) known += " " + n;
    throw Error(ErrorCode::InvalidArgument, "unknown device profile '" + nameOrPath + "'; the built-in ones are:" + known +
                " (or give the path of a profile JSON file)");
  }
  const auto bytes = readRegularFile(nameOrPath, 1 << 20);
  return parseDeviceProfile(std::string(bytes.begin(), bytes.end()), nameOrPath);
}

DeviceCapabilities clampToProfile(const DeviceCapabilities& caps, const DeviceProfile& profile, std::vector<std::string>& overClaims) {
  DeviceCapabilities out = caps;
  const DeviceCapabilities& p = profile.limits;
  auto limit = [&](const char* name, auto& value, auto claimed) {
    if (claimed > value)
      overClaims.push_back(std::string(name) + ": the profile claims " + std::to_string(claimed) + ", the device has " + std::to_string(value));
    else
      value = claimed;
  };
  auto feature = [&](const char* name, bool& value, bool claimed) {
    if (claimed && !value) overClaims.push_back(std::string(name) + ": the profile claims it, the device lacks it");
    value = value && claimed;
  };
  static const char* const axes[] = {"[0]", "[1]", "[2]"};
  for (int a = 0; a < 3; ++a) {
    limit((std::string("maxComputeWorkGroupSize") + axes[a]).c_str(), out.maxWorkgroupSize[a], p.maxWorkgroupSize[a]);
    limit((std::string("maxComputeWorkGroupCount") + axes[a]).c_str(), out.maxWorkgroupCount[a], p.maxWorkgroupCount[a]);
  }
  limit("maxComputeWorkGroupInvocations", out.maxWorkgroupInvocations, p.maxWorkgroupInvocations);
  limit("maxComputeSharedMemorySize", out.maxSharedMemoryBytes, p.maxSharedMemoryBytes);
  limit("maxStorageBufferRange", out.maxStorageBufferRange, p.maxStorageBufferRange);
  limit("maxTexelBufferElements", out.maxTexelBufferElements, p.maxTexelBufferElements);
  limit("maxPushConstantsSize", out.maxPushConstantBytes, p.maxPushConstantBytes);
  limit("maxBoundDescriptorSets", out.maxBoundDescriptorSets, p.maxBoundDescriptorSets);
  limit("maxPerStageDescriptorStorageBuffers", out.maxPerStageStorageBuffers, p.maxPerStageStorageBuffers);
  limit("maxPerStageDescriptorSampledImages", out.maxPerStageSampledImages, p.maxPerStageSampledImages);
  limit("maxImageDimension2D", out.maxImageDimension2D, p.maxImageDimension2D);
  limit("maxMemoryAllocationSize", out.maxMemoryAllocationSize, p.maxMemoryAllocationSize);
  // An alignment is a lower bound on offsets: the larger one is the stricter.
  if (p.minStorageBufferOffsetAlignment < caps.minStorageBufferOffsetAlignment)
    overClaims.push_back("minStorageBufferOffsetAlignment: the profile claims " + std::to_string(p.minStorageBufferOffsetAlignment) +
                         ", the device needs " + std::to_string(caps.minStorageBufferOffsetAlignment));
  out.minStorageBufferOffsetAlignment = std::max(caps.minStorageBufferOffsetAlignment, p.minStorageBufferOffsetAlignment);
  // The subgroup size is a property, not a limit: planning takes the profile's (no kernel relies on
  // the hardware's subgroup size for correctness; it only shapes the tiled kernel's workgroups).
  out.subgroupSize = p.subgroupSize;
  feature("subgroup operations in compute shaders", out.subgroupInCompute, p.subgroupInCompute);
  std::vector<std::string> ops;
  for (const auto& op : p.subgroupOperations) {
    if (std::find(caps.subgroupOperations.begin(), caps.subgroupOperations.end(), op) != caps.subgroupOperations.end())
      ops.push_back(op);
    else
      overClaims.push_back("subgroup operation " + op + ": the profile claims it, the device lacks it");
  }
  out.subgroupOperations = ops;
  feature("storageBuffer16BitAccess", out.storage16bit, p.storage16bit);
  feature("storageBuffer8BitAccess", out.storage8bit, p.storage8bit);
  feature("shaderFloat16", out.float16Arithmetic, p.float16Arithmetic);
  feature("shaderInt8", out.int8Arithmetic, p.int8Arithmetic);
  feature("shaderIntegerDotProduct", out.integerDotProduct, p.integerDotProduct);
  out.integerDotProductAccelerated = out.integerDotProduct && caps.integerDotProductAccelerated;
  feature("timestamps", out.timestamps, p.timestamps);
  if (!out.timestamps) out.timestampValidBits = 0;
  out.profile = profile.name;
  return out;
}

}  // namespace mobilevk
