#pragma once
// Tuning caches: the kernel variant (ops/kernel_variants.h) measured fastest for each layer shape
// on one device and driver, written by tuneKernels (mobilevk/tuning.h) and read by every Network
// given one (NetworkOptions::tuningCache). JSON:
//   {"format": "mobilevk-tuning", "version": 1,
//    "device": {"name": ..., "uuid": ..., "driver": ..., "driver_version": ...},
//    "layers": {"<layer key>": {"variant": "px4-oc16", "ms": 0.41, "default": "px4-oc8",
//                               "default_ms": 0.52}, ...},
//    "precision": {"<model key>": {"choice": "fp16", "fp32_ms": 60.1, "fp16_ms": 52.3, "images": 11,
//                                  "top1_agrees": true, "max_dprob": 0.002, "reason": "..."}, ...}}
// ("precision" only when tuned with --precision auto).
// A cache for another device or driver (foreign or stale) or one that does not parse (corrupt) is
// ignored with a log message, never an error: the defaults run instead.
#include <functional>
#include <map>
#include <string>

#include "graph/graph.h"
#include "mobilevk/context.h"
#include "mobilevk/tuning.h"
#include "ops/kernel_variants.h"

namespace mobilevk {

struct TunedVariant {
  std::string variant, defaultVariant;
  double ms = 0, defaultMs = 0;
};

// Layer shape -> tuned variant, and model -> precision decision, for one device.
struct TuningTable {
  std::map<std::string, TunedVariant> layers;
  std::map<std::string, PrecisionCheck> precision;  // what `tune --precision auto` decided
};

// What identifies a model for a precision decision: its name, a hash of its layers and weights (the
// decision rests on its numbers), and the batch.
std::string modelPrecisionKey(const Graph& graph, int batch);

// What identifies a layer shape for tuning: its kind and path, storage (fp32, fp16, int8, int8 with
// packed dot products), input and output shapes and window.
std::string layerTuningKey(const Node& node, const Shape& input, const Shape& output, KernelPath path,
                           const std::string& storage);

// The key of a fusion decision: a depthwise layer's key and the key of the pointwise layer it runs
// fused with, so that a decision measured for one pair never carries over to another.
inline std::string fusedPairTuningKey(const std::string& depthwise, const std::string& pointwise) {
  return depthwise + " + " + pointwise;
}

// The table in `text` when it was made for `device`; otherwise an empty table, and `log` (when set)
// is told why the cache was ignored.
TuningTable parseTuningCache(const std::string& text, const DeviceInfo& device,
                             const std::function<void(const std::string&)>& log);
std::string serializeTuningCache(const TuningTable& table, const DeviceInfo& device);

}  // namespace mobilevk
