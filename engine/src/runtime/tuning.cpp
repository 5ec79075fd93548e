// tuneKernels (mobilevk/tuning.h): trial k runs every layer on its k-th kernel variant (a forced
// tuning table), so a handful of networks measure every variant of every layer; per layer shape the
// fastest variant whose trial matched the CPU reference wins.
#include "mobilevk/tuning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

#include "internal_access.h"
#include "mobilevk/error.h"
#include "mobilevk/reference.h"
#include "runtime/network_impl.h"
#include "runtime/tuning_cache.h"

namespace mobilevk {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `net` `iterations` times (after two untimed runs) and returns each layer's GPU times and
// the whole network's, plus the output of the first run.
struct Timed {
  std::vector<std::vector<double>> layerMs;
  std::vector<double> totalMs;
  HostTensor output;
};
Timed timeNetwork(Network& net, const HostTensor& input, int iterations) {
  Timed t;
  t.output = net.run(input);
  net.run(input);
  t.layerMs.resize(net.lastTimings().layerMs.size());
  for (int i = 0; i < iterations; ++i) {
    net.run(input);
    const RunTimings r = net.lastTimings();
    t.totalMs.push_back(r.gpuMs);
    for (size_t l = 0; l < r.layerMs.size(); ++l) t.layerMs[l].push_back(r.layerMs[l]);
  }
  return t;
}

// Two whole networks in alternating rounds (so that load from elsewhere falls on both alike): the
// median GPU time of each.
std::pair<double, double> alternatingMedians(Network& a, Network& b, const HostTensor& input, int iterations) {
  std::vector<double> msA, msB;
  for (int round = 0; round < 3; ++round) {
    const Timed ta = timeNetwork(a, input, iterations);
    const Timed tb = timeNetwork(b, input, iterations);
    msA.insert(msA.end(), ta.totalMs.begin(), ta.totalMs.end());
    msB.insert(msB.end(), tb.totalMs.begin(), tb.totalMs.end());
  }
  return {median(msA), median(msB)};
}

// How far `got` is from the reference, relative to the reference's largest magnitude.
double relativeError(const HostTensor& got, const HostTensor& ref) {
  double maxDiff = 0, maxRef = 0;
  for (size_t i = 0; i < ref.data.size() && i < got.data.size(); ++i) {
    maxDiff = std::max(maxDiff, std::fabs(double(got.data[i]) - ref.data[i]));
    maxRef = std::max(maxRef, std::fabs(double(ref.data[i])));
  }
  if (got.data.size() != ref.data.size() || !std::isfinite(maxDiff)) return INFINITY;
  return maxDiff / std::max(maxRef, 1e-30);
}

HostTensor syntheticInput(const Model& model, int batch) {
  HostTensor input(model.inputShape(batch));
  for (size_t i = 0; i < input.data.size(); ++i) input.data[i] = float((i * 7919) % 2001) / 1000.0f - 1.0f;
  return input;
}

// One configuration (a fixed precision): every variant of every layer, as tuneKernels describes.
TuningResult tuneOnce(Context& context, const Model& model, const TuningOptions& options) {
  Gpu& gpu = InternalAccess::gpu(context);
  const DeviceInfo& device = gpu.info();
  if (!device.caps.timestamps)
    throw Error(ErrorCode::Unsupported, "tuning needs GPU timestamps; " + gpu.describe() + " has none on its compute queue");
  if (options.iterations < 1) throw Error(ErrorCode::InvalidArgument, "tuning iterations must be >= 1");
  NetworkOptions base = options.network;
  base.profile = true;
  base.keepLayerOutputs = false;
  base.framesInFlight = 1;
  const std::string previous = base.tuningCache;
  base.tuningCache.clear();

  const HostTensor input = syntheticInput(model, base.batch);

  Network defaults(context, model, base);
  const auto& impl = InternalAccess::network(defaults);
  const bool integer = impl.integer;
  const KernelPath path = integer ? KernelPath::Integer : KernelPath::Float;
  const HostTensor reference = integer ? runIntegerReference(model, input) : runReference(model, input);
  // Integer execution equals its CPU twin exactly. Float: the per-layer summation bounds of the op
  // tests compound over ~30 layers to well under 1e-3 of the output's scale in fp32; fp16 storage
  // rounds every tensor to 11 bits (the model tests allow 0.03).
  const double tolerance = integer ? 0.0 : base.precision == Precision::FP16 ? 0.03 : 1e-3;

  const Graph& graph = InternalAccess::graph(model);
  // candidates[i][k]: the variant node i runs in trial k (null: its default, not measured). Fused
  // variants come in trials after every unfused one, because the layer they fuse has no time of its
  // own in their trials.
  std::vector<std::vector<const KernelVariant*>> candidates(graph.nodes.size());
  std::vector<std::vector<const KernelVariant*>> fusedCandidates(graph.nodes.size());
  size_t trials = 0;
  const std::vector<Shape> shapes = graph.inferShapes(base.batch);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const KernelVariant* v : kernelVariants(graph.nodes[i].kind, path))
      if (unsupportedReason(*v, device.caps, base.precision).empty()) candidates[i].push_back(v);
    // A depthwise layer and the pointwise one reading its output: the fused kind's variants.
    if (!impl.fusionKeys[i].empty() && fusionProblem(graph, NodeId(i), shapes[size_t(graph.outputOf(NodeId(i)))]).empty())
      for (const KernelVariant* v : kernelVariants(NodeKind::DepthwisePointwiseConv, path))
        if (unsupportedReason(*v, device.caps, base.precision).empty()) fusedCandidates[i].push_back(v);
    trials = std::max(trials, candidates[i].size());
  }
  size_t fusedTrials = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (fusedCandidates[i].empty()) continue;
    candidates[i].resize(trials, nullptr);
    candidates[i].insert(candidates[i].end(), fusedCandidates[i].begin(), fusedCandidates[i].end());
    fusedTrials = std::max(fusedTrials, fusedCandidates[i].size());
  }
  trials += fusedTrials;

  // Every trial's network first, then rounds that run each in turn, so that load from elsewhere on
  // the machine falls on all variants alike.
  TuningResult result;
  std::vector<std::unique_ptr<Network>> nets;
  std::vector<TuningTable> forced(trials);
  // What each trial's layers really run: a layer fused into the depthwise one before it ("fused")
  // has no time of its own, and a variant a layer cannot take falls back to the default.
  std::vector<std::vector<std::string>> ran;
  for (size_t k = 0; k < trials; ++k) {
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (k < candidates[i].size() && candidates[i][k])
        forced[k].layers[candidates[i][k]->kind == NodeKind::DepthwisePointwiseConv ? impl.fusionKeys[i] : impl.tuningKeys[i]]
            .variant = candidates[i][k]->name;
    NetworkOptions trial = base;
    trial.tuningCache = serializeTuningCache(forced[k], device);
    nets.push_back(std::make_unique<Network>(context, model, trial));
    ran.push_back(nets.back()->kernelVariants());
  }
  constexpr int kRounds = 3;
  const int perRound = std::max(1, (options.iterations + kRounds - 1) / kRounds);
  std::vector<bool> correct(trials, true);
  std::vector<std::vector<std::vector<double>>> layerMs(trials);  // trial -> layer -> samples
  for (int round = 0; round < kRounds; ++round)
    for (size_t k = 0; k < trials; ++k) {
      const Timed t = timeNetwork(*nets[k], input, perRound);
      if (round == 0) {
        const double error = relativeError(t.output, reference);
        if (!(error <= tolerance)) {
          correct[k] = false;
          std::string names;
          for (const auto& [key, tuned] : forced[k].layers)
            if (names.find(tuned.variant) == std::string::npos) names += (names.empty() ? "" : ", ") + tuned.variant;
          result.rejected.push_back("trial " + std::to_string(k) + " (" + names + "): output off the CPU reference by " +
                                    std::to_string(error) + " of its scale");
        }
        layerMs[k].resize(t.layerMs.size());
      }
      for (size_t l = 0; l < t.layerMs.size(); ++l)
        layerMs[k][l].insert(layerMs[k][l].end(), t.layerMs[l].begin(), t.layerMs[l].end());
      if (options.progress) options.progress(int(round * trials + k + 1), int(kRounds * trials));
    }
  std::map<std::string, std::map<std::string, std::vector<double>>> samples;  // key -> variant -> ms
  for (size_t k = 0; k < trials; ++k)
    for (size_t i = 0; correct[k] && i < graph.nodes.size(); ++i)
      if (k < candidates[i].size() && candidates[i][k] && ran[k][i] == candidates[i][k]->name) {
        auto& ms = samples[impl.tuningKeys[i]][candidates[i][k]->name];
        ms.insert(ms.end(), layerMs[k][i].begin(), layerMs[k][i].end());
      }
  nets.clear();

  TuningTable table;
  if (!previous.empty())
    table = parseTuningCache(previous, device, [&](const std::string& m) {
      gpu.log(LogLevel::Warning, m);
      result.previousCacheIgnored = m;
    });
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (candidates[i].empty()) continue;
    const Node& node = graph.nodes[i];
    const std::string& key = impl.tuningKeys[i];
    const KernelVariant* def = defaultKernelVariant(node.kind, path, device, base.precision);
    TunedLayer layer;
    layer.name = node.name;
    layer.kind = nodeKindName(node.kind);
    layer.storage = impl.storageName();
    layer.defaultVariant = def ? def->name : "";
    for (const auto& [name, ms] : samples[key]) layer.measured.push_back({name, median(ms)});
    if (layer.measured.empty()) continue;  // every trial of this layer was rejected
    // A fused variant's time is this layer's and its consumer's: it wins only against the best
    // unfused variant plus the consumer's best.
    const auto fuses = [&](const std::string& name) {
      return node.kind == NodeKind::DepthwiseConv && findKernelVariant(NodeKind::DepthwisePointwiseConv, path, name) != nullptr;
    };
    double nextBest = INFINITY;
    const NodeId consumer = graph.soleConsumer(NodeId(i));
    if (consumer >= 0)
      for (const auto& [name, ms] : samples[impl.tuningKeys[size_t(consumer)]]) nextBest = std::min(nextBest, median(ms));
    layer.ms = INFINITY;
    for (const auto& [name, ms] : layer.measured) {
      const double cost = fuses(name) ? ms : ms + (std::isfinite(nextBest) ? nextBest : 0.0);
      const double bestCost = layer.variant.empty() ? INFINITY
                              : fuses(layer.variant) ? layer.ms
                                                     : layer.ms + (std::isfinite(nextBest) ? nextBest : 0.0);
      if (cost < bestCost) {
        layer.variant = name;
        layer.ms = ms;
      }
    }
    for (const auto& [name, ms] : layer.measured)
      if (name == layer.defaultVariant) layer.defaultMs = ms;
    // A fused winner is the pair's decision (its own key); the layer's key keeps its best unfused
    // variant, for pairs and layers the decision does not cover.
    std::pair<std::string, double> unfused{"", INFINITY};
    for (const auto& [name, ms] : layer.measured)
      if (!fuses(name) && ms < unfused.second) unfused = {name, ms};
    if (fuses(layer.variant)) table.layers[impl.fusionKeys[i]] = {layer.variant, layer.defaultVariant, layer.ms, layer.defaultMs};
    if (!unfused.first.empty()) table.layers[key] = {unfused.first, layer.defaultVariant, unfused.second, layer.defaultMs};
    result.layers.push_back(std::move(layer));
  }
  result.cache = serializeTuningCache(table, device);

  // The whole network, default against tuned, in alternating rounds.
  NetworkOptions tunedOptions = base;
  tunedOptions.tuningCache = result.cache;
  Network tuned(context, model, tunedOptions);
  std::tie(result.defaultMs, result.tunedMs) = alternatingMedians(defaults, tuned, input, options.iterations);
  return result;
}

// fp32 against fp16, each tuned (caches with both tables): whole-network time in alternating
// rounds, and the outputs on every check image.
PrecisionCheck checkPrecision(Context& context, const Model& model, const TuningOptions& options, const std::string& cache) {
  PrecisionCheck check;
  check.done = true;
  NetworkOptions o = options.network;
  o.precisionPolicy = NetworkOptions::PrecisionPolicy::Fixed;
  o.profile = true;
  o.keepLayerOutputs = false;
  o.framesInFlight = 1;
  o.tuningCache = cache;
  o.precision = Precision::FP32;
  Network fp32(context, model, o);
  o.precision = Precision::FP16;
  Network fp16(context, model, o);
  const HostTensor input = syntheticInput(model, o.batch);
  std::tie(check.fp32Ms, check.fp16Ms) = alternatingMedians(fp32, fp16, input, options.iterations);
  check.top1Agrees = true;
  const Shape one = model.inputShape(1);
  for (const HostTensor& image : options.precisionCheckImages) {
    HostTensor batch(model.inputShape(o.batch));  // the image in every slot of the batch
    for (int n = 0; n < o.batch; ++n) std::copy(image.data.begin(), image.data.end(), batch.data.begin() + n * one.elements());
    const HostTensor a = fp32.run(batch), b = fp16.run(batch);
    const size_t row = a.shape.elements() / size_t(a.shape.n);
    for (int n = 0; n < a.shape.n; ++n) {
      const auto a0 = a.data.begin() + n * row, b0 = b.data.begin() + n * row;
      if (std::max_element(a0, a0 + row) - a0 != std::max_element(b0, b0 + row) - b0) check.top1Agrees = false;
    }
    for (size_t i = 0; i < a.data.size(); ++i)
      check.maxDeltaProb = std::max(check.maxDeltaProb, std::fabs(double(a.data[i]) - b.data[i]));
    ++check.images;
  }
  char line[256];
  std::snprintf(line, sizeof line, "tuned fp16 %.2f ms vs fp32 %.2f ms (%.2fx); on %d images top-1 %s, max |dprob| %.4f",
                check.fp16Ms, check.fp32Ms, check.fp32Ms / check.fp16Ms, check.images,
                check.top1Agrees ? "the same" : "differs", check.maxDeltaProb);
  const bool faster = check.fp16Ms < check.fp32Ms, close = check.top1Agrees && check.maxDeltaProb <= options.maxDeltaProb;
  check.choice = faster && close ? Precision::FP16 : Precision::FP32;
  check.reason = std::string(line) + (check.choice == Precision::FP16 ? "" : !faster ? " (fp16 not faster)" : " (fp16 too far off)");
  return check;
}

}  // namespace

TuningResult tuneKernels(Context& context, const Model& model, const TuningOptions& options) {
  if (options.network.precisionPolicy != NetworkOptions::PrecisionPolicy::Auto) return tuneOnce(context, model, options);
  const Graph& graph = InternalAccess::graph(model);
  const bool integer = runsInteger(options.network, graph);
  TuningOptions fixed = options;
  fixed.network.precisionPolicy = NetworkOptions::PrecisionPolicy::Fixed;
  fixed.network.precision = Precision::FP32;
  if (integer) return tuneOnce(context, model, fixed);  // 8-bit tensors: no precision to choose
  if (options.precisionCheckImages.empty())
    throw Error(ErrorCode::InvalidArgument,
                "precision auto: tuning needs real images to check fp16 against fp32 (TuningOptions::precisionCheckImages, "
                "`tune --check-images`)");
  for (const HostTensor& image : options.precisionCheckImages)
    if (image.shape != model.inputShape(1) || image.data.size() != image.shape.elements())
      throw Error(ErrorCode::InvalidArgument, "precision check image of shape " + image.shape.str() + ": model '" +
                                                  model.name() + "' takes " + model.inputShape(1).str());
  Gpu& gpu = InternalAccess::gpu(context);
  TuningResult result = tuneOnce(context, model, fixed);
  PrecisionCheck check;
  std::string cache = result.cache;
  if (!gpu.info().caps.storage16bit) {
    check.done = true;
    check.reason = "the device has no 16-bit storage";
  } else {
    fixed.network.precision = Precision::FP16;
    fixed.network.tuningCache = result.cache;
    TuningResult half = tuneOnce(context, model, fixed);
    for (auto& l : half.layers) result.layers.push_back(std::move(l));
    for (auto& r : half.rejected) result.rejected.push_back(std::move(r));
    cache = half.cache;
    check = checkPrecision(context, model, options, cache);
  }
  TuningTable table = parseTuningCache(cache, gpu.info(), nullptr);
  table.precision[modelPrecisionKey(graph, options.network.batch)] = check;
  result.cache = serializeTuningCache(table, gpu.info());
  result.precision = check;
  return result;
}

}  // namespace mobilevk
