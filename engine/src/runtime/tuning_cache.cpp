#include "runtime/tuning_cache.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "io/json_read.h"
#include "mobilevk/error.h"

namespace mobilevk {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "mobilevk-tuning";
constexpr int kVersion = 1;

// How a cache names the driver it was tuned with (written and compared).
std::string driverText(const DeviceInfo& d) { return d.caps.driverName + " " + d.caps.driverInfo; }

json deviceJson(const DeviceInfo& d) {
  json j = {{"name", d.name},
            {"uuid", d.caps.deviceUuid},
            {"driver", driverText(d)},
            {"driver_version", d.caps.driverVersion}};
  // Tuned under a device profile, the variants and times are that profile's (absent: none).
  if (!d.caps.profile.empty()) j["profile"] = d.caps.profile;
  return j;
}

}  // namespace

std::string modelPrecisionKey(const Graph& graph, int batch) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bits
  const auto mix = [&](const void* data, size_t bytes) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    // A chain's edges need no hashing (each node reads the one before); any other edge does.
    const bool chained = n.inputs.size() == 1 && n.inputs[0] == (i == 0 ? graph.inputValue : graph.outputOf(NodeId(i - 1)));
    if (!chained) mix(n.inputs.data(), n.inputs.size() * sizeof(ValueId));
    mix(&n.kind, sizeof n.kind);
    mix(n.name.data(), n.name.size());
    if (hasWeights(n.kind)) {
      mix(n.conv().weights.data(), n.conv().weights.size() * sizeof(float));
      mix(n.conv().bias.data(), n.conv().bias.size() * sizeof(float));
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return graph.name + " #" + hex + " batch " + std::to_string(batch);
}

std::string layerTuningKey(const Node& node, const Shape& input, const Shape& output, KernelPath path,
                           const std::string& storage) {
  const WindowParams w = node.window();
  std::string key = std::string(nodeKindName(node.kind)) + (path == KernelPath::Integer ? " integer " : " float ") +
                    storage + " " + input.str() + " -> " + output.str();
  if (node.kind == NodeKind::Conv2D || node.kind == NodeKind::DepthwiseConv)
    key += " k" + std::to_string(w.kernelH) + "x" + std::to_string(w.kernelW) + " s" + std::to_string(w.strideY) +
           "x" + std::to_string(w.strideX) +
           (w.dilated() ? " d" + std::to_string(w.dilationY) + "x" + std::to_string(w.dilationX) : "");  // undilated keys unchanged
  return key;
}

namespace {

// A field of the wrong type or an impossible value: the cache is corrupt (what it is, and where).
struct Corrupt {
  std::string why;
};

// Typed reads of one object's fields: absent gives the fallback, present with another type is
// Corrupt (a nlohmann type_error never escapes).
class Fields {
 public:
  Fields(const json& object, std::string where) : o_(object), where_(std::move(where)) {}
  bool has(const char* key) const { return o_.contains(key); }
  std::string text(const char* key, const std::string& fallback = "") const {
    if (!has(key)) return fallback;
    const json& v = o_.at(key);
    if (!v.is_string()) bad(key, "a string", v);
    return v.get<std::string>();
  }
  double number(const char* key) const {
    if (!has(key)) return 0;
    const json& v = o_.at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) bad(key, "a non-negative number", v);
    return v.get<double>();
  }
  int64_t integer(const char* key) const {
    if (!has(key)) return 0;
    const json& v = o_.at(key);
    if (v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(INT64_MAX)) return int64_t(v.get<uint64_t>());
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
    bad(key, "an integer", v);
  }
  bool flag(const char* key) const {
    if (!has(key)) return false;
    const json& v = o_.at(key);
    if (!v.is_boolean()) bad(key, "true or false", v);
    return v.get<bool>();
  }
  const json& object(const char* key) const {
    if (!has(key)) throw Corrupt{"no \"" + std::string(key) + "\" object" + where_};
    const json& v = o_.at(key);
    if (!v.is_object()) bad(key, "an object", v);
    return v;
  }

 private:
  [[noreturn]] void bad(const char* key, const char* expected, const json& found) const {
    throw Corrupt{"\"" + std::string(key) + "\"" + where_ + " must be " + expected + ", found " + describeJson(found) +
                  " (corrupt?)"};
  }
  const json& o_;
  std::string where_;
};

}  // namespace

TuningTable parseTuningCache(const std::string& text, const DeviceInfo& device,
                             const std::function<void(const std::string&)>& log) {
  const auto ignore = [&](const std::string& why) {
    if (log) log("ignoring the tuning cache given: " + why + "; default kernel variants run");
    return TuningTable{};
  };
  json doc;
  try {
    doc = parseJsonBounded(text, "it");
  } catch (const Error& e) {
    return ignore(e.what());
  }
  if (!doc.is_object()) return ignore("not a JSON object (corrupt?)");
  try {
    const Fields top(doc, "");
    if (top.text("format") != kFormat)
      return ignore("not a mobilevk tuning cache (\"format\" is not \"" + std::string(kFormat) + "\")");
    if (!top.has("version")) return ignore("no cache format version; this mobilevk reads version " + std::to_string(kVersion));
    const int64_t version = top.integer("version");
    if (version != kVersion)
      return ignore("written by another version of mobilevk (cache format version " + std::to_string(version) +
                    ", this one reads " + std::to_string(kVersion) + ")");
    const Fields d(top.object("device"), " of \"device\"");
    const std::string name = d.text("name", "?"), uuid = d.text("uuid", "?"), driver = d.text("driver", "?");
    if (uuid != device.caps.deviceUuid || name != device.name)
      return ignore("made on another device (" + printable(name) + ", uuid " + printable(uuid) + "), this is " + device.name +
                    " uuid " + device.caps.deviceUuid);
    const std::string wantDriver = driverText(device);
    const int64_t driverVersion = d.has("driver_version") ? d.integer("driver_version") : -1;
    if (driver != wantDriver || driverVersion != int64_t(device.caps.driverVersion))
      return ignore("made with another driver (" + printable(driver) + ", driver_version " +
                    (driverVersion < 0 ? std::string("missing") : std::to_string(driverVersion)) + "), now " + wantDriver +
                    ", driver_version " + std::to_string(device.caps.driverVersion) + ": stale, tune again");
    const std::string profile = d.text("profile");
    if (profile != device.caps.profile)
      return ignore("tuned under device profile '" + (profile.empty() ? std::string("(none)") : printable(profile)) +
                    "', this context runs under '" + (device.caps.profile.empty() ? std::string("(none)") : device.caps.profile) + "'");
    TuningTable table;
    for (const auto& [key, entry] : top.object("layers").items()) {
      const std::string where = " of layer \"" + printable(key) + "\"";
      if (!entry.is_object()) throw Corrupt{"layer \"" + printable(key) + "\" is " + describeJson(entry) + ", not an object (corrupt?)"};
      const Fields f(entry, where);
      if (!f.has("variant")) throw Corrupt{"layer \"" + printable(key) + "\" has no \"variant\" string (corrupt?)"};
      TunedVariant t;
      t.variant = f.text("variant");
      t.defaultVariant = f.text("default");
      t.ms = f.number("ms");
      t.defaultMs = f.number("default_ms");
      table.layers[key] = t;
    }
    if (top.has("precision")) {
      for (const auto& [key, entry] : top.object("precision").items()) {
        const std::string where = " of precision entry \"" + printable(key) + "\"";
        if (!entry.is_object()) throw Corrupt{"precision entry \"" + printable(key) + "\" is " + describeJson(entry) + " (corrupt?)"};
        const Fields f(entry, where);
        const std::string choice = f.text("choice");
        if (choice != "fp32" && choice != "fp16")
          throw Corrupt{"precision entry \"" + printable(key) + "\" has no \"choice\" of fp32 or fp16 (corrupt?)"};
        PrecisionCheck c;
        c.done = true;
        c.choice = choice == "fp16" ? Precision::FP16 : Precision::FP32;
        c.fp32Ms = f.number("fp32_ms");
        c.fp16Ms = f.number("fp16_ms");
        const int64_t images = f.integer("images");
        if (images < 0 || images > INT32_MAX) throw Corrupt{"\"images\"" + where + " is out of range (corrupt?)"};
        c.images = int(images);
        c.top1Agrees = f.flag("top1_agrees");
        c.maxDeltaProb = f.number("max_dprob");
        c.reason = f.text("reason");
        table.precision[key] = c;
      }
    }
    return table;
  } catch (const Corrupt& c) {
    return ignore(c.why);
  }
}

std::string serializeTuningCache(const TuningTable& table, const DeviceInfo& device) {
  json layers = json::object();
  for (const auto& [key, t] : table.layers)
    layers[key] = {{"variant", t.variant}, {"ms", t.ms}, {"default", t.defaultVariant}, {"default_ms", t.defaultMs}};
  json doc = {{"format", kFormat}, {"version", kVersion}, {"device", deviceJson(device)}, {"layers", layers}};
  if (!table.precision.empty()) {
    json precision = json::object();
    for (const auto& [key, d] : table.precision)
      precision[key] = {{"choice", d.choice == Precision::FP16 ? "fp16" : "fp32"},
                        {"fp32_ms", d.fp32Ms},
                        {"fp16_ms", d.fp16Ms},
                        {"images", d.images},
                        {"top1_agrees", d.top1Agrees},
                        {"max_dprob", d.maxDeltaProb},
                        {"reason", d.reason}};
    doc["precision"] = precision;
  }
  return doc.dump(2) + "\n";
}

}  // namespace mobilevk
