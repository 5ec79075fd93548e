#include "runtime/tuning_cache.h"

#include <nlohmann/json.hpp>

namespace mobilevk {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "mobilevk-tuning";
constexpr int kVersion = 1;

json deviceJson(const DeviceInfo& d) {
  return {{"name", d.name},
          {"uuid", d.caps.deviceUuid},
          {"driver", d.caps.driverName + " " + d.caps.driverInfo},
          {"driver_version", d.caps.driverVersion}};
}

}  // namespace

std::string layerTuningKey(const Node& node, const Shape& input, const Shape& output, KernelPath path,
                           const std::string& storage) {
  const WindowParams& w = node.conv.window;
  std::string key = std::string(nodeKindName(node.kind)) + (path == KernelPath::Integer ? " integer " : " float ") +
                    storage + " " + input.str() + " -> " + output.str();
  if (node.kind == NodeKind::Conv2D || node.kind == NodeKind::DepthwiseConv)
    key += " k" + std::to_string(w.kernelH) + "x" + std::to_string(w.kernelW) + " s" + std::to_string(w.strideY) +
           "x" + std::to_string(w.strideX);
  return key;
}

TuningTable parseTuningCache(const std::string& text, const DeviceInfo& device,
                             const std::function<void(const std::string&)>& log) {
  const auto ignore = [&](const std::string& why) {
    if (log) log("ignoring the tuning cache given: " + why + "; default kernel variants run");
    return TuningTable{};
  };
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return ignore("not JSON (corrupt?)");
  if (doc.value("format", "") != kFormat) return ignore("not a mobilevk tuning cache (\"format\" is not \"" + std::string(kFormat) + "\")");
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() != kVersion)
    return ignore("written by another version of mobilevk (cache format version " +
                  (doc.contains("version") ? doc["version"].dump() : std::string("missing")) + ", this one reads " +
                  std::to_string(kVersion) + ")");
  if (!doc.contains("device") || !doc["device"].is_object()) return ignore("no \"device\" object");
  const json& d = doc["device"];
  const json want = deviceJson(device);
  if (d.value("uuid", "") != want["uuid"] || d.value("name", "") != want["name"])
    return ignore("made on another device (" + d.value("name", std::string("?")) + ", uuid " + d.value("uuid", std::string("?")) +
                  "), this is " + device.name + " uuid " + device.caps.deviceUuid);
  if (d.value("driver", "") != want["driver"] || !d.contains("driver_version") || d["driver_version"] != want["driver_version"])
    return ignore("made with another driver (" + d.value("driver", std::string("?")) + "), now " +
                  want["driver"].get<std::string>() + ": stale, tune again");
  if (!doc.contains("layers") || !doc["layers"].is_object()) return ignore("no \"layers\" object");
  TuningTable table;
  for (const auto& [key, entry] : doc["layers"].items()) {
    if (!entry.is_object() || !entry.contains("variant") || !entry["variant"].is_string())
      return ignore("layer \"" + key + "\" has no \"variant\" string (corrupt?)");
    TunedVariant t;
    t.variant = entry["variant"].get<std::string>();
    t.defaultVariant = entry.value("default", std::string());
    t.ms = entry.value("ms", 0.0);
    t.defaultMs = entry.value("default_ms", 0.0);
    table.layers[key] = t;
  }
  return table;
}

std::string serializeTuningCache(const TuningTable& table, const DeviceInfo& device) {
  json layers = json::object();
  for (const auto& [key, t] : table.layers)
    layers[key] = {{"variant", t.variant}, {"ms", t.ms}, {"default", t.defaultVariant}, {"default_ms", t.defaultMs}};
  const json doc = {{"format", kFormat}, {"version", kVersion}, {"device", deviceJson(device)}, {"layers", layers}};
  return doc.dump(2) + "\n";
}

}  // namespace mobilevk
