// mobilevk tune: times every kernel variant the device supports on each layer of a model and
// writes the tuning cache (mobilevk/tuning.h) that classify, bench and the webcam sample read with
// --tuning-cache. The file is never replaced without --overwrite (then atomically, keeping the old
// cache's entries for other layer shapes when it is one for this device).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "commands.h"
#include "io/file_io.h"
#include "mobilevk/error.h"
#include "mobilevk/tuning.h"


int cmdTune(const std::vector<std::string>& argv) {
  cli::Args args("tune", argv,
                 {"model", "architecture", "alpha", "resolution", "classes", "batch", "iterations", "device", "device-profile", "precision", "execution",
                  "dot-product", "tuning-cache", "pipeline-cache", "input-range"},
                 {"overwrite", "json"});
  if (!args.has("tuning-cache")) throw cli::UsageError{"--tuning-cache FILE is required (where the cache is written)"};
  const std::string path = args.value("tuning-cache");
  mobilevk::TuningOptions options;
  // --overwrite runs on one cache take turns from reading it to replacing it, so that each extends
  // what the one before wrote (two at once each merged the old file, and one's entries were lost).
  // Without --overwrite the write itself is exclusive: of two, one fails.
  std::unique_ptr<mobilevk::FileLock> lock;
  if (args.has("overwrite"))
    lock = std::make_unique<mobilevk::FileLock>(path, [](const std::string& lockPath) {
      std::fprintf(stderr, "mobilevk tune: waiting for another tune of the same cache (lock %s)\n", lockPath.c_str());
    });
  // An existing file is replaced only with --overwrite; its entries for other shapes are kept.
  bool exists = false;
  try {
    exists = !mobilevk::isDirectory(path) && ::access(path.c_str(), F_OK) == 0;
  } catch (const mobilevk::Error&) {
    exists = true;  // something that is neither a directory nor a regular file: writing refuses it by name
  }
  if (exists && !args.has("overwrite"))
    throw cli::UsageError{"--tuning-cache " + path + " exists; pass --overwrite to replace it (its entries for other "
                          "layer shapes on this device are kept)"};
  if (exists) {
    try {
      options.network.tuningCache = cli::tuningCacheOption(args);
    } catch (const mobilevk::Error& e) {
      std::fprintf(stderr, "mobilevk tune: not extending %s: %s\n", path.c_str(), e.what());
    }
  }
  mobilevk::Model model = cli::modelOption(args);
  cli::applyInputRange(args, model);  // the precision check's photos are normalized as classify's
  options.network.batch = args.intValue("batch", 1, 1, 4096);
  cli::precisionOption(args, options.network);
  const bool precisionAuto = options.network.precisionPolicy == mobilevk::NetworkOptions::PrecisionPolicy::Auto;
  const bool integer = cli::integerExecution(args, model);
  // --precision auto: the photos given check fp16 against fp32 (top-1 and max |dprob|).
  if (!args.positional().empty() && !precisionAuto)
    throw cli::UsageError{"unexpected argument '" + args.positional()[0] + "' (photos are taken only with --precision auto)"};
  if (precisionAuto && !integer) {
    if (args.positional().empty())
      throw cli::UsageError{"--precision auto needs photos to check fp16 against fp32: tune ... --precision auto PHOTO..."};
    for (auto& in : cli::loadInputs(args, model)) options.precisionCheckImages.push_back(std::move(in.tensor));
  }
  options.network.execution = cli::executionOption(integer);
  options.network.dotProduct = cli::dotProductOption(args);
  options.iterations = args.intValue("iterations", 10, 1, 100000);
  const bool json = args.has("json");
  if (isatty(STDERR_FILENO) && !json)
    options.progress = [](int done, int total) {
      const int width = 30, filled = width * done / total;
      std::fprintf(stderr, "\rtune: [%s%s] %d/%d trials", std::string(size_t(filled), '#').c_str(),
                   std::string(size_t(width - filled), '.').c_str(), done, total);
      if (done == total) std::fprintf(stderr, "\r%*s\r", width + 30, "");
    };
  const std::unique_ptr<mobilevk::Context> ctx = cli::contextFor(args, false);
  const mobilevk::TuningResult r = mobilevk::tuneKernels(*ctx, model, options);
  if (exists && !r.previousCacheIgnored.empty())
    std::fprintf(stderr, "mobilevk tune: replacing %s without its old entries (%s)\n", path.c_str(),
                 r.previousCacheIgnored.c_str());
  mobilevk::writeFileAtomically(path, r.cache.data(), r.cache.size(),
                                exists ? mobilevk::Replace::RegularFile : mobilevk::Replace::Never);
  cli::savePipelineCache(args, ctx.get());
  if (json) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) {
      nlohmann::json measured = nlohmann::json::object();
      for (const auto& [name, ms] : l.measured) measured[name] = ms;
      layers.push_back({{"name", l.name}, {"type", l.kind}, {"variant", l.variant}, {"ms", l.ms},
                        {"default", l.defaultVariant}, {"default_ms", l.defaultMs}, {"storage", l.storage},
                        {"measured", measured}});
    }
    nlohmann::json doc{{"device", ctx->device().name}, {"model", model.name()}, {"cache", path},
                       {"default_ms", r.defaultMs}, {"tuned_ms", r.tunedMs}, {"layers", layers},
                       {"rejected", r.rejected}};
    if (r.precision.done)
      doc["precision"] = {{"choice", r.precision.choice == mobilevk::Precision::FP16 ? "fp16" : "fp32"},
                          {"fp32_ms", r.precision.fp32Ms}, {"fp16_ms", r.precision.fp16Ms},
                          {"images", r.precision.images}, {"top1_agrees", r.precision.top1Agrees},
                          {"max_dprob", r.precision.maxDeltaProb}, {"reason", r.precision.reason}};
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::printf("%s on %s: %zu layers with kernel variants tuned, cache written to %s; input %s\n", model.name().c_str(),
              ctx->device().name.c_str(), r.layers.size(), path.c_str(), model.input().source.c_str());
  std::printf("  %-22s %-15s %-5s %-17s %9s   %-9s %9s\n", "layer", "type", "data", "tuned", "ms", "default", "ms");
  for (const auto& l : r.layers)
    std::printf("  %-22s %-15s %-5s %-17s %9.3f   %-9s %9.3f\n", cli::fitName(l.name, 22).c_str(), l.kind.c_str(),
                l.storage.c_str(), l.variant.c_str(), l.ms, l.defaultVariant.c_str(), l.defaultMs);
  for (const auto& why : r.rejected) std::printf("  rejected: %s\n", why.c_str());
  std::printf("whole network (GPU timestamps, median): default variants %.2f ms, tuned %.2f ms (%.2fx)%s\n", r.defaultMs,
              r.tunedMs, r.defaultMs / r.tunedMs, r.precision.done ? " in fp32" : "");
  if (r.precision.done)
    std::printf("precision auto: %s (%s)\n", r.precision.choice == mobilevk::Precision::FP16 ? "fp16" : "fp32",
                r.precision.reason.c_str());
  return 0;
}
