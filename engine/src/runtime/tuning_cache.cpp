#include "runtime/tuning_cache.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace mobilevk {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "mobilevk-tuning";
constexpr int kVersion = 1;

json deviceJson(const DeviceInfo& d) {
  json j = {{"name", d.name},
            {"uuid", d.caps.deviceUuid},
            {"driver", d.caps.driverName + " " + d.caps.driverInfo},
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
  for (const Node& n : graph.nodes) {
    mix(&n.kind, sizeof n.kind);
    mix(n.name.data(), n.name.size());
    mix(n.conv.weights.data(), n.conv.weights.size() * sizeof(float));
    mix(n.conv.bias.data(), n.conv.bias.size() * sizeof(float));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return graph.name + " #" + hex + " batch " + std::to_string(batch);
}

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
  if (d.value("profile", "") != device.caps.profile)
    return ignore("tuned under device profile '" + d.value("profile", std::string("(none)")) + "', this context runs under '" +
                  (device.caps.profile.empty() ? std::string("(none)") : device.caps.profile) + "'");
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
  if (doc.contains("precision")) {
    if (!doc["precision"].is_object()) return ignore("\"precision\" is not an object (corrupt?)");
    for (const auto& [key, entry] : doc["precision"].items()) {
      const std::string choice = entry.is_object() ? entry.value("choice", std::string()) : std::string();
      if (choice != "fp32" && choice != "fp16")
        return ignore("precision entry \"" + key + "\" has no \"choice\" of fp32 or fp16 (corrupt?)");
      PrecisionCheck d;
      d.done = true;
      d.choice = choice == "fp16" ? Precision::FP16 : Precision::FP32;
      d.fp32Ms = entry.value("fp32_ms", 0.0);
      d.fp16Ms = entry.value("fp16_ms", 0.0);
      d.images = entry.value("images", 0);
      d.top1Agrees = entry.value("top1_agrees", false);
      d.maxDeltaProb = entry.value("max_dprob", 0.0);
      d.reason = entry.value("reason", std::string());
      table.precision[key] = d;
    }
  }
  return table;
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
