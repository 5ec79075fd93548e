#pragma once
// Autotuning: which kernel variant runs each layer fastest on the device at hand. mobilevk's
// kernels come in variants (register-block shapes of the same shader); tuneKernels times every one
// the device supports on every layer of a model with GPU timestamps, keeps per layer shape the
// fastest whose network output matches the CPU reference, and returns a tuning cache for
// NetworkOptions::tuningCache (`mobilevk tune` writes it to a file). Without a cache, each layer
// runs the device's default variant. The cache is keyed by device UUID, driver and version, and
// layer shape and storage: a network with other shapes or on another device just runs defaults.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mobilevk/context.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"

namespace mobilevk {

struct TuningOptions {
  // The configuration to tune for: batch, precision, execution, dotProduct give the layer shapes
  // and storage the cache keys on. Its tuningCache, when set and valid for the device, is extended:
  // entries for other layer shapes are kept.
  NetworkOptions network;
  int iterations = 10;  // timed runs per variant; each layer's time is the median of its timestamps
  // Trial k runs every layer on its k-th variant; trials take turns over 3 rounds. Called after
  // each turn with turns done and in all.
  std::function<void(int done, int total)> progress;
};

struct TunedLayer {
  std::string name, kind;
  std::string variant, defaultVariant;  // the fastest, and the one that runs without a cache
  double ms = 0, defaultMs = 0;         // median GPU time of each on this layer
  std::vector<std::pair<std::string, double>> measured;  // every variant that ran correctly: median ms
};

struct TuningResult {
  std::string cache;               // for NetworkOptions::tuningCache
  std::vector<TunedLayer> layers;  // the layers that have variants, in network order
  // Whole network, median GPU time: every layer on its default variant, and as tuned.
  double defaultMs = 0, tunedMs = 0;
  // Variants whose network output did not match the CPU reference (never chosen), with the error.
  std::vector<std::string> rejected;
};

// Needs GPU timestamps (DeviceCapabilities::timestamps); throws mobilevk::Error (Unsupported)
// without them.
TuningResult tuneKernels(Context& context, const Model& model, const TuningOptions& options = {});

}  // namespace mobilevk
