#include <cstdio>
#include <string>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/model.h"

using nlohmann::json;

int cmdSummary(const std::vector<std::string>& argv) {
  cli::Args args("summary", argv, {"architecture", "alpha", "resolution", "classes", "model"}, {"json"});
  if (!args.positional().empty()) throw cli::UsageError{"unexpected argument '" + args.positional()[0] + "'"};
  mobilevk::Model model = cli::modelOption(args);
  const auto layers = model.layers();
  auto shapeVec = [](const mobilevk::Shape& s) { return std::vector<int>{s.n, s.h, s.w, s.c}; };
  if (args.has("json")) {
    json out;
    out["model"] = model.name();
    out["input"] = shapeVec(model.inputShape());
    for (const auto& l : layers)
      out["layers"].push_back({{"name", l.name}, {"type", l.type}, {"stride", {l.strideY, l.strideX}},
                               {"filter_shape", l.filterShape}, {"output_shape", shapeVec(l.outputShape)},
                               {"activation", l.activation}, {"macs", l.macs}, {"params", l.params}});
    out["total_macs"] = model.totalMacs();
    out["total_params"] = model.totalParams();
    out["execution"] = model.hasIntegerExecution() ? "integer" : "float";
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s  input %s  (%s)\n", model.name().c_str(), model.inputShape().str().c_str(), model.format().c_str());
  std::printf("%-28s %-15s %-7s %-18s %-16s %-8s %14s %12s\n", "layer", "type", "stride", "filter", "output", "act",
              "mult-adds", "params");
  for (const auto& l : layers) {
    std::string filter;
    for (size_t i = 0; i < l.filterShape.size(); ++i) filter += (i ? "x" : "") + std::to_string(l.filterShape[i]);
    const std::string stride = l.filterShape.empty() ? "" : std::to_string(l.strideY) + "x" + std::to_string(l.strideX);
    std::printf("%-28s %-15s %-7s %-18s %-16s %-8s %14llu %12llu\n", l.name.substr(0, 28).c_str(), l.type.c_str(),
                stride.c_str(), filter.c_str(), l.outputShape.str().c_str(), l.activation.substr(0, 8).c_str(),
                (unsigned long long)l.macs, (unsigned long long)l.params);
  }
  std::printf("total: %.1f M mult-adds, %.3f M parameters\n", model.totalMacs() / 1e6, model.totalParams() / 1e6);
  if (model.hasIntegerExecution()) {
    const mobilevk::Quantization in = model.inputQuantization();
    std::string out = "float outputs from the detection post-process, on the host";
    if (model.isPoseEstimator()) {
      out = "float outputs from the pose decoder, on the host";
    } else if (model.isSegmenter()) {
      out = "output the class of each pixel (ARG_MAX over " + std::to_string(model.segmenterClasses()) + " classes)";
    } else if (!model.isDetector()) {
      const mobilevk::Quantization q = model.outputQuantization();
      char text[96];
      std::snprintf(text, sizeof text, "output scale %g zero point %d", double(q.scale), q.zeroPoint);
      out = text;
    }
    std::printf("execution: integer by default (a quantized file: %s input scale %g zero point %d, %s); --execution float "
                "runs it dequantized\n",
                in.isSigned ? "int8" : "uint8", double(in.scale), in.zeroPoint, out.c_str());
  } else {
    std::printf("execution: float\n");
  }
  return 0;
}
