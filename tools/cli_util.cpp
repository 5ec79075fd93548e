#include "npy.h"
#include "cli_util.h"
#include "io/file_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "mobilevk/error.h"
#include "mobilevk/labels.h"
#include "mobilevk/reference.h"

namespace cli {

Args::Args(std::string command, const std::vector<std::string>& args, const std::vector<std::string>& valueOptions,
           const std::vector<std::string>& flagOptions)
    : command_(std::move(command)) {
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      const std::string name = a.substr(2);
      if (contains(valueOptions, name)) {
        if (i + 1 >= args.size()) throw UsageError{"option --" + name + " needs a value"};
        values_.push_back({name, args[++i]});
      } else if (contains(flagOptions, name)) {
        flags_.push_back(name);
      } else {
        throw UsageError{"unknown option '" + a + "'"};
      }
    } else {
      positional_.push_back(a);
    }
  }
}

bool Args::has(const std::string& name) const {
  if (std::find(flags_.begin(), flags_.end(), name) != flags_.end()) return true;
  for (const auto& [k, v] : values_)
    if (k == name) return true;
  return false;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
  for (auto it = values_.rbegin(); it != values_.rend(); ++it)
    if (it->first == name) return it->second;
  return fallback;
}

int Args::intValue(const std::string& name, int fallback, int lo, int hi) const {
  if (!has(name)) return fallback;
  const std::string v = value(name);
  size_t used = 0;
  long r = 0;
  try {
    r = std::stol(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v.size() || v.empty() || r < lo || r > hi)
    throw UsageError{"--" + name + " expects an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got '" + v + "'"};
  return int(r);
}

float Args::floatValue(const std::string& name, float fallback, float lo, float hi) const {
  if (!has(name)) return fallback;
  const std::string v = value(name);
  size_t used = 0;
  float r = 0;
  try {
    r = std::stof(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v.size() || v.empty() || !(r >= lo && r <= hi))
    throw UsageError{"--" + name + " expects a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got '" + v + "'"};
  return r;
}


}  // namespace cli

#include "mobilevk/image.h"
#include "pipeline_cache_file.h"

#include <cstdio>
#include <cstdlib>

namespace cli {

void applyInputRange(const Args& args, mobilevk::Model& model) {
  if (!args.has("input-range")) return;
  const std::string v = args.value("input-range");
  const auto comma = v.find(',');
  float lo = 0, hi = 0;
  try {
    if (comma == std::string::npos) throw 0;
    size_t u1 = 0, u2 = 0;
    lo = std::stof(v.substr(0, comma), &u1);
    hi = std::stof(v.substr(comma + 1), &u2);
    // Beyond +-1e6 no image normalization lies, and the activations of a float model overflow.
    const auto sane = [](float x) { return std::isfinite(x) && std::fabs(x) <= 1e6f; };
    if (u1 != comma || u2 != v.size() - comma - 1 || !sane(lo) || !sane(hi) || !(hi > lo)) throw 0;
  } catch (...) {
    throw UsageError{"--input-range expects LO,HI within +-1e6 with LO < HI (e.g. 0,1 or -1,1), got '" + v + "'"};
  }
  const float scale[3] = {(hi - lo) / 255.0f, (hi - lo) / 255.0f, (hi - lo) / 255.0f};
  const float offset[3] = {lo, lo, lo};
  model.setInputNormalization(scale, offset, "--input-range " + v);
}

std::vector<NamedInput> loadInputs(const Args& args, const mobilevk::Model& model, std::vector<InputFailure>* failures) {
  std::vector<NamedInput> inputs;
  const mobilevk::Shape want = model.inputShape(1);
  if (args.has("input-npy")) {
    if (!args.positional().empty()) throw UsageError{"give images or --input-npy, not both"};
    const std::string path = args.value("input-npy");
    mobilevk::NpyType type = mobilevk::NpyType::Float32;
    mobilevk::HostTensor t = mobilevk::readNpy(path, &type);
    if (type != mobilevk::NpyType::Float32) {
      // 8-bit integers: a quantized model's input tensor itself (what --save-input writes on the
      // integer path), taken as exactly those integers.
      const bool isSigned = type == mobilevk::NpyType::Int8;
      const char* dtype = isSigned ? "int8" : "uint8";
      if (!model.hasIntegerExecution())
        throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument,
                              path + ": holds " + dtype + " integers, but model '" + model.name() +
                                  "' takes float input; give float32 values as the model expects them (" + model.input().source +
                                  "), not pixels or another model's integers");
      const mobilevk::Quantization q = model.inputQuantization();
      if (q.isSigned != isSigned)
        throw mobilevk::Error(mobilevk::ErrorCode::InvalidArgument, path + ": holds " + dtype + " integers, model '" + model.name() +
                                                                        "' takes " + (q.isSigned ? "int8" : "uint8") + " input integers");
      // real = scale * (q - zero point): quantizing it again gives back q exactly.
      for (float& v : t.data) v = q.scale * (v - float(q.zeroPoint));
    }
    for (size_t i = 0; i < t.data.size(); ++i)
      if (!std::isfinite(t.data[i]))
        throw mobilevk::Error(path + ": holds a non-finite value (" + std::to_string(t.data[i]) + " at flat index " +
                              std::to_string(i) + "); the model input must be finite");
    if (t.shape.h != want.h || t.shape.w != want.w || t.shape.c != want.c)
      throw mobilevk::Error(path + ": array of shape " + t.shape.str() + " does not fit the model input " + want.str());
    const size_t per = want.elements();
    for (int n = 0; n < t.shape.n; ++n) {
      mobilevk::HostTensor one(want);
      std::copy(t.data.begin() + long(n * per), t.data.begin() + long((n + 1) * per), one.data.begin());
      inputs.push_back({t.shape.n == 1 ? path : path + "[" + std::to_string(n) + "]", std::move(one), want.w, want.h});
    }
    return inputs;
  }
  if (args.positional().empty()) throw UsageError{"no images given (or use --input-npy FILE.npy)"};
  for (const auto& path : args.positional()) {
    try {
      const mobilevk::Image image = mobilevk::loadImage(path);
      inputs.push_back({path, mobilevk::imagesToTensor({image}, model.input()), image.width, image.height});
    } catch (const mobilevk::Error& e) {
      if (!failures) throw;
      failures->push_back({path, e.what()});
    }
  }
  return inputs;
}

mobilevk::ContextOptions contextOptionsFromEnvironment() {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  mobilevk::ContextOptions o;
  o.device = env("MOBILEVK_DEVICE");
  o.deviceProfile = env("MOBILEVK_DEVICE_PROFILE");
  if (env("MOBILEVK_VALIDATION") == "1") o.validation = mobilevk::Validation::On;
  if (env("MOBILEVK_VALIDATION") == "0") o.validation = mobilevk::Validation::Off;
  o.synchronizationValidation = env("MOBILEVK_SYNC_VALIDATION") == "1";
  o.log = [](mobilevk::LogLevel level, const std::string& message) {
    if (level == mobilevk::LogLevel::Debug) return;
    const char* tag = level == mobilevk::LogLevel::Error ? "error" : level == mobilevk::LogLevel::Warning ? "warning" : "info";
    std::fprintf(stderr, "mobilevk: %s: %s\n", tag, message.c_str());
  };
  return o;
}

std::unique_ptr<mobilevk::Context> contextFor(const Args& args, bool allowCpu) {
  const std::string device = args.value("device", "gpu");
  if (device == "cpu") {
    if (!allowCpu) throw UsageError{"this command needs a Vulkan device; --device cpu is not one"};
    return nullptr;
  }
  mobilevk::ContextOptions o = contextOptionsFromEnvironment();
  if (args.has("device")) o.device = device == "gpu" ? "" : device;
  if (args.has("device-profile")) o.deviceProfile = args.value("device-profile");
  // Throws, before anything runs, for a file that is not a mobilevk pipeline cache.
  if (args.has("pipeline-cache")) o.pipelineCache = mobilevk::readPipelineCacheFile(args.value("pipeline-cache"));
  return std::make_unique<mobilevk::Context>(o);
}

void savePipelineCache(const Args& args, const mobilevk::Context* ctx) {
  if (!ctx || !args.has("pipeline-cache")) return;
  try {
    mobilevk::writePipelineCacheFile(args.value("pipeline-cache"), ctx->pipelineCacheData());
  } catch (const mobilevk::Error& e) {
    std::fprintf(stderr, "mobilevk: warning: pipeline cache not saved: %s\n", e.what());
  }
}

void precisionOption(const Args& args, mobilevk::NetworkOptions& options) {
  const std::string p = args.value("precision", "fp32");
  if (p != "fp32" && p != "fp16" && p != "auto")
    throw UsageError{"--precision must be fp32, fp16 or auto, got '" + p + "'"};
  options.precision = p == "fp16" ? mobilevk::Precision::FP16 : mobilevk::Precision::FP32;
  options.precisionPolicy = p == "auto" ? mobilevk::NetworkOptions::PrecisionPolicy::Auto
                                        : mobilevk::NetworkOptions::PrecisionPolicy::Fixed;
}

std::string precisionName(const mobilevk::Network& net) {
  if (net.integerExecution()) return "int8";
  return net.precision() == mobilevk::Precision::FP16 ? "fp16" : "fp32";
}

bool integerExecution(const Args& args, const mobilevk::Model& model) {
  const std::string e = args.value("execution", "auto");
  if (e != "auto" && e != "float" && e != "integer")
    throw UsageError{"--execution must be auto, float or integer, got '" + e + "'"};
  if (e == "integer" && !model.hasIntegerExecution())
    throw mobilevk::Error(mobilevk::ErrorCode::Unsupported,
                          "--execution integer: model '" + model.name() + "' " +
                              (model.integerExecutionProblem().empty()
                                   ? "is not a quantized TFLite file with integers for every layer"
                                   : "cannot run in integers: " + model.integerExecutionProblem()) +
                              "; use --execution float");
  const bool integer = e == "integer" || (e == "auto" && model.hasIntegerExecution());
  refuseInapplicableOptions(args, model, integer);
  return integer;
}

mobilevk::NetworkOptions::Execution executionOption(bool integer) {
  return integer ? mobilevk::NetworkOptions::Execution::Integer : mobilevk::NetworkOptions::Execution::Float;
}

void refuseInapplicableOptions(const Args& args, const mobilevk::Model& model, bool integer) {
  if (args.value("device", "gpu") == "cpu" && args.has("device-profile"))
    throw UsageError{"--device-profile clamps a Vulkan device; --device cpu runs the CPU reference path, which has none"};
  if (integer && args.value("precision", "fp32") == "fp16")
    throw UsageError{"--precision fp16: model '" + model.name() + "' runs integer execution (8-bit tensors); add --execution "
                     "float to run its dequantized float path in fp16"};
  if (!integer && args.has("dot-product"))
    throw UsageError{"--dot-product is integer execution's inner product; model '" + model.name() + "' runs float execution" +
                     (model.hasIntegerExecution() ? " here (--execution float)" : " (it is not a quantized file)")};
}

std::string fitName(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  return "..." + name.substr(name.size() - (width - 3));
}

std::string tuningCacheOption(const Args& args) {
  if (!args.has("tuning-cache")) return "";
  const std::string path = args.value("tuning-cache");
  // A cache is an optimization: one too large to be ours is ignored like a corrupt one (a missing
  // or special file is still an error, below: more likely a mistyped path).
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && uint64_t(st.st_size) > kTuningCacheLimit) {
    std::fprintf(stderr, "mobilevk: warning: ignoring the tuning cache %s: %lld bytes, over the %llu MiB a tuning cache may have; "
                 "default kernel variants run\n", path.c_str(), static_cast<long long>(st.st_size),
                 static_cast<unsigned long long>(kTuningCacheLimit >> 20));
    return "";
  }
  const std::vector<uint8_t> bytes = mobilevk::readRegularFile(path, kTuningCacheLimit);
  return std::string(bytes.begin(), bytes.end());
}

mobilevk::Model modelOption(const Args& args) {
  if (args.has("model")) {
    if (args.has("alpha") || args.has("resolution") || args.has("classes") || args.has("architecture"))
      throw UsageError{"--model cannot be combined with --architecture/--alpha/--resolution/--classes"};
    return mobilevk::Model::load(args.value("model"));
  }
  // Random weights: speed does not depend on their values.
  const std::string architecture = args.value("architecture", "mobilenet_v1");
  const float alpha = args.floatValue("alpha", 1.0f, 0.01f, 4.0f);
  const int resolution = args.intValue("resolution", 224, 32, 2048);
  const int classes = args.intValue("classes", 1000, 0, 100000);
  const auto shaped = [&](auto o) {  // the options both built-in networks share
    o.alpha = alpha;
    o.resolution = resolution;
    o.classes = classes;
    return o;
  };
  if (architecture == "mobilenet_v1") return mobilevk::Model::mobileNetV1(shaped(mobilevk::MobileNetV1Options{}));
  if (architecture == "mobilenet_v2") return mobilevk::Model::mobileNetV2(shaped(mobilevk::MobileNetV2Options{}));
  throw UsageError{"--architecture must be mobilenet_v1 or mobilenet_v2, got '" + architecture + "'"};
}

mobilevk::NetworkOptions::DotProduct dotProductOption(const Args& args) {
  using DotProduct = mobilevk::NetworkOptions::DotProduct;
  const std::string d = args.value("dot-product", "auto");
  if (d == "auto") return DotProduct::Auto;
  if (d == "packed") return DotProduct::Packed;
  if (d == "plain") return DotProduct::Plain;
  throw UsageError{"--dot-product must be auto, packed or plain, got '" + d + "'"};
}

std::string executionDescription(const mobilevk::Network* net, bool integer) {
  if (!integer && !net) return "float";
  if (!integer)
    return "float (" + precisionName(*net) +
           (net->precisionReason().empty() ? ")" : "; precision auto: " + net->precisionReason() + ")");
  if (!net) return "integer";
  return net->packedDotProduct() ? "integer (packed 4x8-bit dot products)" : "integer (plain inner products)";
}

mobilevk::HostTensor stackBatch(const std::vector<NamedInput>& inputs, size_t first, size_t count) {
  mobilevk::Shape s = inputs[first].tensor.shape;
  s.n = int(count);
  mobilevk::HostTensor t(s);
  const size_t per = inputs[first].tensor.data.size();
  for (size_t i = 0; i < count; ++i)
    std::copy(inputs[first + i].tensor.data.begin(), inputs[first + i].tensor.data.end(), t.data.begin() + long(i * per));
  return t;
}

}  // namespace cli

namespace cli {

void saveInputs(const Args& args, const mobilevk::Model& model, const std::vector<NamedInput>& inputs, bool integer) {
  if (!args.has("save-input")) return;
  const mobilevk::Shape one = model.inputShape(1);
  const std::vector<int> dims{int(inputs.size()), one.h, one.w, one.c};
  if (integer) {
    std::vector<int32_t> all;
    for (const auto& in : inputs) {
      const auto q = mobilevk::quantizeInput(model, in.tensor);
      all.insert(all.end(), q.begin(), q.end());
    }
    mobilevk::writeNpyBytes(args.value("save-input"), all, model.inputQuantization().isSigned, dims, args.has("overwrite"));
  } else {
    std::vector<float> all;
    for (const auto& in : inputs) all.insert(all.end(), in.tensor.data.begin(), in.tensor.data.end());
    mobilevk::writeNpy(args.value("save-input"), all, dims, args.has("overwrite"));
  }
}

}  // namespace cli
