// tuneKernels (mobilevk/tuning.h): trial k runs every layer on its k-th kernel variant (a forced
// tuning table), so a handful of networks measure every variant of every layer; per layer shape the
// fastest variant whose trial matched the CPU reference wins.
#include "mobilevk/tuning.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

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

}  // namespace

TuningResult tuneKernels(Context& context, const Model& model, const TuningOptions& options) {
  Gpu& gpu = InternalAccess::gpu(context);
  const DeviceInfo& device = gpu.info();
  if (!device.caps.timestamps)
    throw Error(ErrorCode::Unsupported, "tuning needs GPU timestamps; " + device.name + "'s compute queue has none");
  if (options.iterations < 1) throw Error(ErrorCode::InvalidArgument, "tuning iterations must be >= 1");
  NetworkOptions base = options.network;
  base.profile = true;
  base.keepLayerOutputs = false;
  base.framesInFlight = 1;
  const std::string previous = base.tuningCache;
  base.tuningCache.clear();

  HostTensor input(model.inputShape(base.batch));
  for (size_t i = 0; i < input.data.size(); ++i) input.data[i] = float((i * 7919) % 2001) / 1000.0f - 1.0f;

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
  std::vector<std::vector<const KernelVariant*>> candidates(graph.nodes.size());
  size_t trials = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const KernelVariant* v : kernelVariants(graph.nodes[i].kind, path))
      if (unsupportedReason(*v, device.caps, base.precision).empty()) candidates[i].push_back(v);
    trials = std::max(trials, candidates[i].size());
  }

  // Every trial's network first, then rounds that run each in turn, so that load from elsewhere on
  // the machine falls on all variants alike.
  TuningResult result;
  std::vector<std::unique_ptr<Network>> nets;
  std::vector<TuningTable> forced(trials);
  for (size_t k = 0; k < trials; ++k) {
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (k < candidates[i].size()) forced[k].layers[impl.tuningKeys[i]].variant = candidates[i][k]->name;
    NetworkOptions trial = base;
    trial.tuningCache = serializeTuningCache(forced[k], device);
    nets.push_back(std::make_unique<Network>(context, model, trial));
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
      if (k < candidates[i].size()) {
        auto& ms = samples[impl.tuningKeys[i]][candidates[i][k]->name];
        ms.insert(ms.end(), layerMs[k][i].begin(), layerMs[k][i].end());
      }
  nets.clear();

  TuningTable table;
  if (!previous.empty())
    table = parseTuningCache(previous, device, [&](const std::string& m) { gpu.log(LogLevel::Warning, m); });
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (candidates[i].empty()) continue;
    const Node& node = graph.nodes[i];
    const std::string& key = impl.tuningKeys[i];
    const KernelVariant* def = defaultKernelVariant(node.kind, path, device, base.precision);
    TunedLayer layer;
    layer.name = node.name;
    layer.kind = nodeKindName(node.kind);
    layer.defaultVariant = def ? def->name : "";
    for (const auto& [name, ms] : samples[key]) layer.measured.push_back({name, median(ms)});
    if (layer.measured.empty()) continue;  // every trial of this layer was rejected
    const auto best = std::min_element(layer.measured.begin(), layer.measured.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    layer.variant = best->first;
    layer.ms = best->second;
    for (const auto& [name, ms] : layer.measured)
      if (name == layer.defaultVariant) layer.defaultMs = ms;
    table.layers[key] = {layer.variant, layer.defaultVariant, layer.ms, layer.defaultMs};
    result.layers.push_back(std::move(layer));
  }
  result.cache = serializeTuningCache(table, device);

  // The whole network, default against tuned, in alternating rounds.
  NetworkOptions tunedOptions = base;
  tunedOptions.tuningCache = result.cache;
  Network tuned(context, model, tunedOptions);
  std::vector<double> defaultMs, tunedMs;
  for (int round = 0; round < 3; ++round) {
    const Timed d = timeNetwork(defaults, input, options.iterations);
    const Timed t = timeNetwork(tuned, input, options.iterations);
    defaultMs.insert(defaultMs.end(), d.totalMs.begin(), d.totalMs.end());
    tunedMs.insert(tunedMs.end(), t.totalMs.begin(), t.totalMs.end());
  }
  result.defaultMs = median(defaultMs);
  result.tunedMs = median(tunedMs);
  return result;
}

}  // namespace mobilevk
