#pragma once
// What detect, segment and pose share: the photos (or --input-npy), integer or float execution, the
// device (or the CPU twin with --device cpu), a network made once and warmed up, one run per input
// giving every output, and --save-input / --pipeline-cache at the end.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_util.h"
#include "mobilevk/context.h"
#include "mobilevk/image.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"

namespace cli {

// The options every image task takes, for Args' lists.
std::vector<std::string> imageTaskValueOptions(std::vector<std::string> more);

class ImageTask {
 public:
  // Loads the inputs (printing each unreadable one to stderr as "mobilevk COMMAND: error: ...";
  // throws when none is readable) and makes the network. --draw needs exactly one image.
  ImageTask(const char* command, const Args& args, mobilevk::Model& model);

  struct Result {
    std::vector<mobilevk::HostTensor> outputs;
    double ms = 0;      // on the device (GPU timestamps), or the CPU path's wall time
    double hostMs = -1;  // on the GPU path, the host part's time (a post-process; 0 where none), else -1
  };
  Result run(const NamedInput& input);
  // --save-input and --pipeline-cache; the exit status (1 when an input could not be read).
  int finish();

  const std::vector<NamedInput>& inputs() const { return inputs_; }
  const std::vector<InputFailure>& failures() const { return failures_; }
  bool integer() const { return integer_; }
  const std::string& deviceName() const { return deviceName_; }
  const mobilevk::Network* network() const { return net_.get(); }
  double firstRunMs() const { return firstRunMs_; }
  // --draw OUT.png: the first input's photo, drawn on by `paint`, written as PNG (the safe-write
  // rules: an existing file only with --overwrite, atomically). Nothing without --draw.
  void draw(const std::function<void(mobilevk::Image&)>& paint) const;
  // --json: one object per image (just the object for a single readable image), then one
  // {"image", "error"} per unreadable input.
  void printJson(const nlohmann::json& results) const;
  // --save-output FILE.npy for the tasks with float outputs: each image's outputs flattened in
  // order, as [images, values].
  void saveFloatOutputs(const std::vector<float>& raw) const;
  // "IMAGE  (N ms on the device, M ms HOST_PART)" for one of printJson's results; "on the CPU"
  // where the CPU twin ran it (its time is wall time, the host part included).
  void printTimes(const nlohmann::json& result, const char* hostPart) const;
  // "model NAME (SHAPE), device: DEVICE, EXECUTION execution" and, on the GPU, the first run's time.
  void printHeader(const std::string& suffix) const;

 private:
  const Args& args_;
  const mobilevk::Model& model_;
  std::vector<NamedInput> inputs_;
  std::vector<InputFailure> failures_;
  bool integer_ = false;
  std::unique_ptr<mobilevk::Context> ctx_;
  std::string deviceName_;
  std::unique_ptr<mobilevk::Network> net_;
  double firstRunMs_ = 0;
};

}  // namespace cli
