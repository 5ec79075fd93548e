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
  // With network.precisionPolicy Auto (float execution): tune fp32 and fp16 both, then decide which
  // this model runs and record it in the cache (NetworkOptions::PrecisionPolicy). fp16 (its storage
  // and whichever fp16-arithmetic variants won) is chosen only when its tuned network is faster than
  // fp32's and, on every image here, its top-1 equals fp32's and max |dprob| <= maxDeltaProb. The
  // images are real photos as the model's input (imagesToTensor: NHWC, batch 1 each); Auto without
  // any is refused (InvalidArgument).
  std::vector<HostTensor> precisionCheckImages;
  double maxDeltaProb = 0.01;
};

// What the precision check found (TuningOptions::precisionCheckImages).
struct PrecisionCheck {
  bool done = false;  // precision policy Auto was tuned
  Precision choice = Precision::FP32;
  double fp32Ms = 0, fp16Ms = 0;  // each tuned, median GPU time (0: not measured)
  int images = 0;
  bool top1Agrees = false;
  double maxDeltaProb = 0;  // over every output of every image
  std::string reason;       // one line, also stored in the cache
};

struct TunedLayer {
  std::string name, kind;
  std::string storage;                  // "fp32", "fp16", "int8" or "int8-dot": the tensors it was tuned with
  std::string variant, defaultVariant;  // the fastest, and the one that runs without a cache
  // Median GPU time of each on this layer; a fused-pw-* variant's time is this depthwise layer's and
  // the pointwise layer's after it, which it runs too (it wins only against the best unfused
  // variant plus that layer's best).
  double ms = 0, defaultMs = 0;
  std::vector<std::pair<std::string, double>> measured;  // every variant that ran correctly: median ms
};

struct TuningResult {
  std::string cache;               // for NetworkOptions::tuningCache
  std::vector<TunedLayer> layers;  // the layers that have variants, in network order
  // Whole network, median GPU time: every layer on its default variant, and as tuned.
  double defaultMs = 0, tunedMs = 0;
  // Variants whose network output did not match the CPU reference (never chosen), with the error.
  std::vector<std::string> rejected;
  // Precision policy Auto: layers and the times above are fp32's, then fp16's layers follow.
  PrecisionCheck precision;
  // Why the cache given to extend (network.tuningCache) was not extended (another device or
  // driver, corrupt, ...), so that its entries are not in `cache`; "" when none was given or it was.
  std::string previousCacheIgnored;
};

// Needs GPU timestamps (DeviceCapabilities::timestamps); throws mobilevk::Error (Unsupported)
// without them.
TuningResult tuneKernels(Context& context, const Model& model, const TuningOptions& options = {});

}  // namespace mobilevk
