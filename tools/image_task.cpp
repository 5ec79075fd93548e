#include "image_task.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "mobilevk/error.h"
#include "mobilevk/reference.h"
#include "npy.h"
#include "output_file.h"

namespace cli {

using Clock = std::chrono::steady_clock;

std::vector<std::string> imageTaskValueOptions(std::vector<std::string> more) {
  for (const char* o : {"model", "labels", "draw", "device", "device-profile", "save-output", "save-input", "input-npy", "input-range",
                        "precision", "pipeline-cache", "execution", "dot-product", "tuning-cache"})
    more.push_back(o);
  return more;
}

ImageTask::ImageTask(const char* command, const Args& args, mobilevk::Model& model) : args_(args), model_(model) {
  if (args.has("draw") && (args.positional().size() != 1 || args.has("input-npy")))
    throw UsageError{"--draw writes one picture: give exactly one image"};
  applyInputRange(args, model);
  inputs_ = loadInputs(args, model, &failures_);
  for (const auto& f : failures_) std::fprintf(stderr, "mobilevk %s: error: %s\n", command, f.error.c_str());
  if (inputs_.empty()) throw mobilevk::Error("none of the " + std::to_string(failures_.size()) + " inputs could be read");
  integer_ = integerExecution(args, model);
  ctx_ = contextFor(args, true);
  deviceName_ = ctx_ ? ctx_->device().name : integer_ ? "CPU integer twin" : "CPU reference";
  if (!ctx_) return;
  mobilevk::NetworkOptions no;
  precisionOption(args, no);
  no.execution = executionOption(integer_);
  no.dotProduct = dotProductOption(args);
  no.tuningCache = tuningCacheOption(args);
  no.profile = true;
  net_ = std::make_unique<mobilevk::Network>(*ctx_, model, no);
  const auto t0 = Clock::now();  // the driver compiles shaders lazily: not counted below
  net_->runOutputs(inputs_[0].tensor);
  firstRunMs_ = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

ImageTask::Result ImageTask::run(const NamedInput& input) {
  const auto t0 = Clock::now();
  Result r;
  r.outputs = net_ ? net_->runOutputs(input.tensor)
                   : integer_ ? mobilevk::runIntegerReferenceOutputs(model_, input.tensor) : mobilevk::runReferenceOutputs(model_, input.tensor);
  r.ms = net_ ? net_->lastTimings().gpuMs : std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (net_) r.hostMs = net_->hostMilliseconds();
  return r;
}

int ImageTask::finish() {
  savePipelineCache(args_, ctx_.get());
  saveInputs(args_, model_, inputs_, integer_);
  return failures_.empty() ? 0 : 1;
}

void ImageTask::draw(const std::function<void(mobilevk::Image&)>& paint) const {
  if (!args_.has("draw")) return;
  mobilevk::Image image = mobilevk::loadImage(inputs_.at(0).name);
  paint(image);
  mobilevk::writeOutputFile(args_.value("draw"), mobilevk::encodePng(image), args_.has("overwrite"));
}

void ImageTask::printJson(const nlohmann::json& results) const {
  if (results.size() == 1 && failures_.empty()) {
    std::cout << results[0].dump() << "\n";
  } else {
    for (const auto& r : results) std::cout << r.dump() << "\n";
  }
  for (const auto& f : failures_) std::cout << nlohmann::json{{"image", f.name}, {"error", f.error}}.dump() << "\n";
}

void ImageTask::saveFloatOutputs(const std::vector<float>& raw) const {
  if (!args_.has("save-output")) return;
  const size_t count = inputs_.size();
  mobilevk::writeNpy(args_.value("save-output"), raw, {int(count), int(raw.size() / count)}, args_.has("overwrite"));
}

void ImageTask::printTimes(const nlohmann::json& result, const char* hostPart) const {
  std::printf("%s  (%.1f ms on the %s", result["image"].get<std::string>().c_str(), result["ms"].get<double>(), net_ ? "device" : "CPU");
  if (result.contains("host_ms")) std::printf(", %.3f ms %s", result["host_ms"].get<double>(), hostPart);
  std::printf(")\n");
}

void ImageTask::printHeader(const std::string& suffix) const {
  std::printf("model %s (%s), device: %s, %s execution%s\n", model_.name().c_str(), model_.inputShape(1).str().c_str(), deviceName_.c_str(),
              executionDescription(net_.get(), integer_).c_str(), suffix.c_str());
  if (net_) std::printf("first run (driver compiles shaders lazily): %.1f ms, not counted below\n", firstRunMs_);
}

}  // namespace cli
