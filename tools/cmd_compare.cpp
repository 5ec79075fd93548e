#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/context.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"

int cmdCompare(const std::vector<std::string>& argv) {
  cli::Args args("compare", argv, {"model", "device", "device-profile", "tolerance", "input-npy", "input-range", "execution", "dot-product"}, {});
  if (!args.has("model")) throw cli::UsageError{"--model PATH is required"};
  mobilevk::Model model = mobilevk::Model::load(args.value("model"));
  cli::applyInputRange(args, model);
  const bool integer = cli::integerExecution(args, model);
  // Relative to each layer's largest magnitude. float32 sums of up to ~10k terms carry ~1e-5
  // relative error per layer; 1e-3 leaves room for that to compound over 30 layers. Integer
  // execution must equal the CPU integer twin exactly: 0.
  const float tolerance = args.floatValue("tolerance", integer ? 0.0f : 1e-3f, 0.0f, 1.0f);
  const auto inputs = cli::loadInputs(args, model);
  const auto context = cli::contextFor(args, false);
  mobilevk::Context& ctx = *context;
  mobilevk::NetworkOptions no;
  no.keepLayerOutputs = true;
  no.execution = cli::executionOption(integer);
  no.dotProduct = cli::dotProductOption(args);
  mobilevk::Network net(ctx, model, no);
  const auto layers = model.layers();
  std::printf("model %s, device %s, %s execution against the CPU %s, tolerance %g (max abs diff / max |reference| per layer)\n",
              model.name().c_str(), ctx.device().name.c_str(), cli::executionDescription(&net, integer).c_str(),
              integer ? "integer twin" : "reference", double(tolerance));
  if (!args.has("input-npy")) std::printf("input: %s\n", model.input().source.c_str());
  bool ok = true;
  for (const auto& in : inputs) {
    net.run(in.tensor);
    std::vector<mobilevk::HostTensor> ref;
    if (integer) mobilevk::runIntegerReference(model, in.tensor, &ref);
    else mobilevk::runReference(model, in.tensor, &ref);
    std::printf("%s\n  %-28s %-16s %12s %12s\n", in.name.c_str(), "layer", "output", "max abs", "max rel");
    for (size_t i = 0; i < ref.size(); ++i) {
      const auto gpu = net.layerOutput(i);
      double maxAbs = 0, maxRef = 0;
      for (size_t k = 0; k < ref[i].data.size(); ++k) {
        const double d = std::fabs(double(gpu.data[k]) - ref[i].data[k]);
        maxAbs = std::isnan(d) ? INFINITY : std::max(maxAbs, d);
        maxRef = std::max(maxRef, std::fabs(double(ref[i].data[k])));
      }
      const double rel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
      const bool bad = !(rel <= tolerance);
      ok &= !bad;
      std::printf("  %-28s %-16s %12.3g %12.3g%s\n", cli::fitName(layers[i].name, 28).c_str(),
                  ref[i].shape.str().c_str(), maxAbs, rel, bad ? "  OVER TOLERANCE" : "");
    }
  }
  std::printf("%s\n", ok ? "GPU matches the CPU reference within tolerance" : "GPU differs from the CPU reference beyond tolerance");
  return ok ? 0 : 1;
}
