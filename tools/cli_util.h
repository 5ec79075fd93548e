#pragma once
// Small helpers shared by the subcommands: argument parsing and label files.
#include <cstdint>
#include <string>
#include <vector>

namespace cli {

// A minimal option parser: "--name value", "--flag", positional arguments. Unknown options and
// missing values are errors (exit code 2) naming the option.
class Args {
 public:
  Args(std::string command, const std::vector<std::string>& args, const std::vector<std::string>& valueOptions,
       const std::vector<std::string>& flagOptions);
  bool has(const std::string& name) const;
  std::string value(const std::string& name, const std::string& fallback = "") const;
  int intValue(const std::string& name, int fallback, int lo, int hi) const;
  float floatValue(const std::string& name, float fallback, float lo, float hi) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::string command_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> flags_, positional_;
};

struct UsageError {
  std::string message;
};

}  // namespace cli

#include <memory>

#include "mobilevk/context.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "mobilevk/tensor.h"

namespace cli {

struct NamedInput {
  std::string name;
  mobilevk::HostTensor tensor;  // [1, H, W, C], normalized for the model
  int width = 0, height = 0;    // the photo's size (the model input's for an .npy)
};

struct InputFailure {
  std::string name, error;
};

// The inputs of classify/compare: images (positional) or --input-npy, checked against the model
// (an .npy must hold finite values). An unreadable image throws, or with `failures` is recorded
// there and skipped.
std::vector<NamedInput> loadInputs(const Args& args, const mobilevk::Model& model,
                                   std::vector<InputFailure>* failures = nullptr);
// Applies --input-range LO,HI (pixel 0 -> LO, 255 -> HI) when given.
void applyInputRange(const Args& args, mobilevk::Model& model);
// --device: "cpu" gives nullptr (the CPU reference path, when allowCpu); "gpu" or nothing the
// default Vulkan device; anything else an index or name substring.
std::unique_ptr<mobilevk::Context> contextFor(const Args& args, bool allowCpu);
// --pipeline-cache FILE is read here (refused unless absent, empty or a mobilevk cache); call
// savePipelineCache at the end to write it back. --device-profile NAME|FILE clamps the device to a
// mobile GPU's limits (ContextOptions::deviceProfile). MOBILEVK_DEVICE (when no --device),
// MOBILEVK_DEVICE_PROFILE (when no --device-profile),
// MOBILEVK_VALIDATION=0/1 and MOBILEVK_SYNC_VALIDATION=1 are read here, not by the library; its
// log goes to stderr.
mobilevk::ContextOptions contextOptionsFromEnvironment();
void savePipelineCache(const Args& args, const mobilevk::Context* ctx);
// --precision fp32|fp16|auto into the network options (auto: NetworkOptions::PrecisionPolicy::Auto,
// decided by the tuning cache).
void precisionOption(const Args& args, mobilevk::NetworkOptions& options);
// "fp32" or "fp16": what a network runs (integer: "int8").
std::string precisionName(const mobilevk::Network& net);
// --execution auto|float|integer: integer runs a quantized file's own integer arithmetic (refused,
// naming the model, for a model without integers); auto (the default) picks it for quantized files.
// Also refuses the options that do not apply to the execution decided (refuseInapplicableOptions).
bool integerExecution(const Args& args, const mobilevk::Model& model);
mobilevk::NetworkOptions::Execution executionOption(bool integer);
// Options that do not apply to the run asked for are refused rather than ignored: a device profile
// with --device cpu, --precision fp16 on integer execution, --dot-product on float execution.
void refuseInapplicableOptions(const Args& args, const mobilevk::Model& model, bool integer);
// `name` in at most `width` characters for a table column: the tail kept (TFLite layer names differ
// at their end: ".../Conv2d_13_pointwise"), "..." where the head was cut.
std::string fitName(const std::string& name, size_t width);
// The largest tuning cache read (a real one is a few KiB per model).
constexpr uint64_t kTuningCacheLimit = 64ull << 20;
// --tuning-cache FILE for classify and bench: the file's text (NetworkOptions::tuningCache), "" when
// not given or over kTuningCacheLimit (with a warning naming it). A file that cannot be read is an
// error naming it; one for another device, stale or corrupt is the library's to ignore with a warning.
std::string tuningCacheOption(const Args& args);
// The model of summary, bench and tune: --model PATH, or the paper's network with random weights
// from --architecture mobilenet_v1|mobilenet_v2 (default v1), --alpha, --resolution, --classes.
mobilevk::Model modelOption(const Args& args);
// --dot-product auto|packed|plain: integer execution's inner product (NetworkOptions::DotProduct).
mobilevk::NetworkOptions::DotProduct dotProductOption(const Args& args);
// "float", or "integer (packed 4x8-bit dot products)" / "integer (plain inner products)" for a
// network (plain "integer" on the CPU twin, net null).
std::string executionDescription(const mobilevk::Network* net, bool integer);
// Concatenates [1,H,W,C] tensors along N.
// --save-input: what the network was given, floats, or on the integer path the input tensor's own
// integers, one row per input.
void saveInputs(const Args& args, const mobilevk::Model& model, const std::vector<NamedInput>& inputs, bool integer);
mobilevk::HostTensor stackBatch(const std::vector<NamedInput>& inputs, size_t first, size_t count);

}  // namespace cli
