#include "helpers.h"
#include "internal_access.h"

#include "tflite_schema_generated.h"

#include <cstdlib>
#include <flatbuffers/flatbuffers.h>
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>

#include "mobilevk/error.h"
#include "ops/integer_op.h"
#include "mobilevk/reference.h"
#include <cstring>
#include "vulkan/command.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace testing {

namespace {
std::atomic<int> teardownMessages{0};
std::atomic<bool> tearingDown{false};
std::unique_ptr<Context>& sharedContext() {
  static std::unique_ptr<Context> ctx;
  return ctx;
}
}  // namespace

std::string deviceProfile() {
  const char* p = std::getenv("MOBILEVK_TEST_DEVICE_PROFILE");
  return p ? p : "";
}

Context& context() {
  auto& ctx = sharedContext();
  if (!ctx) {
    ContextOptions o;
    o.validation = Validation::On;
    // The library reads no environment; the suite's ctest entry sets this, and the tests pass it on.
    const char* sync = std::getenv("MOBILEVK_SYNC_VALIDATION");
    o.synchronizationValidation = sync && std::string(sync) == "1";
    // The profile/ ctest entries run the suite's GPU cases under each device profile.
    o.deviceProfile = deviceProfile();
    o.validationCallback = [](const std::string&) {
      if (tearingDown) ++teardownMessages;
    };
    ctx = std::make_unique<Context>(o);
    std::cout << "test device: " << ctx->device().name << " (validation "
              << (ctx->validationEnabled() ? "on" : "off") << ")"
              << (o.deviceProfile.empty() ? "" : ", device profile " + o.deviceProfile) << "\n";
  }
  return *ctx;
}

bool fp16StorageOrRefused() {
  Gpu& gpu = InternalAccess::gpu(context());
  if (gpu.info().caps.storage16bit) return true;
  try {
    requirePrecision(gpu, Precision::FP16);
    FAIL_CHECK("fp16 was not refused on a device without 16-bit storage");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::Unsupported);
    CHECK(std::string(e.what()).find("has no 16-bit storage") != std::string::npos);
  }
  return false;
}

int shutdown() {
  tearingDown = true;
  sharedContext().reset();
  return teardownMessages;
}

void expectNoValidationMessages() {
  auto msgs = context().validationMessages();
  for (const auto& m : msgs) FAIL_CHECK("validation layer: " << m);
  context().clearValidationMessages();
}

HostTensor runGpu(GpuOp& op, const HostTensor& in, Precision precision) {
  Gpu& gpu = InternalAccess::gpu(context());
  const Shape outShape = op.outputShape(in.shape);
  Buffer inBuf(gpu, deviceTensorBytes(in.shape, precision), MemoryUsage::Device, "test input");
  Buffer outBuf(gpu, deviceTensorBytes(outShape, precision), MemoryUsage::Device, "test output");
  auto upload = [&](Buffer& b, const std::vector<float>& v) {
    const auto bytes = encodeStorage(v, precision);
    gpu.upload(b, bytes.data(), bytes.size());
  };
  upload(inBuf, packNC4HW4(in));
  upload(outBuf, std::vector<float>(outShape.packedElements(), std::nanf("")));
  op.bindStandalone(inBuf, outBuf, in.shape);
  gpu.runAndWait(
      [&](VkCommandBuffer cmd) {
        op.record(cmd);
        anyToHostBarrier(gpu.vk(), cmd);
      },
      "op test");
  std::vector<uint8_t> raw(deviceTensorBytes(outShape, precision));
  gpu.download(outBuf, raw.data(), raw.size());
  const std::vector<float> result = decodeStorage(raw, precision);
  // Padding lanes of the last channel group must be exactly zero.
  const int c4 = outShape.channelGroups();
  if (outShape.c % 4) {
    const size_t plane = size_t(outShape.h) * outShape.w;
    for (int n = 0; n < outShape.n; ++n)
      for (size_t p = 0; p < plane; ++p)
        for (int lane = outShape.c % 4; lane < 4; ++lane) {
          const float v = result[((size_t(n) * c4 + c4 - 1) * plane + p) * 4 + lane];
          if (v != 0.0f) {
            FAIL_CHECK(op.kind() << ": padding lane " << lane << " of pixel " << p << " is " << v << ", not 0");
            return unpackNC4HW4(result, outShape);
          }
        }
  }
  expectNoValidationMessages();
  return unpackNC4HW4(result, outShape);
}

HostTensor randomTensor(const Shape& s, std::mt19937& rng, float lo, float hi) {
  HostTensor t(s);
  std::uniform_real_distribution<float> d(lo, hi);
  for (auto& v : t.data) v = d(rng);
  return t;
}

std::vector<float> randomVector(size_t n, std::mt19937& rng, float lo, float hi) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> d(lo, hi);
  for (auto& x : v) x = d(rng);
  return v;
}

double expectClose(const HostTensor& gpu, const HostTensor& ref, const std::vector<float>& tol, const std::string& what) {
  REQUIRE_MESSAGE(gpu.shape == ref.shape, what << ": shape " << gpu.shape.str() << " vs " << ref.shape.str());
  REQUIRE(tol.size() == ref.data.size());
  double maxAbs = 0.0;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    const double diff = std::fabs(double(gpu.data[i]) - double(ref.data[i]));
    if (!(diff <= tol[i])) {  // also catches NaN
      FAIL_CHECK(what << ": element " << i << " gpu " << gpu.data[i] << " ref " << ref.data[i] << " diff " << diff
                      << " > tolerance " << tol[i]);
      return diff;
    }
    maxAbs = std::max(maxAbs, diff);
  }
  return maxAbs;
}

namespace {
struct ErrorTable {
  std::map<std::string, double> maxAbs;
  ~ErrorTable() {
    if (maxAbs.empty()) return;
    std::cout << "\nmax abs GPU-vs-CPU error per op:\n";
    for (const auto& [op, e] : maxAbs) std::cout << "  " << op << ": " << e << "\n";
  }
};
ErrorTable& errorTable() {
  static ErrorTable t;
  return t;
}
}  // namespace

void recordError(const std::string& op, double maxAbs) {
  auto& e = errorTable().maxAbs[op];
  e = std::max(e, maxAbs);
}

QuantizedTensor quantizedOutput(const std::vector<uint8_t>& raw, const Shape& shape, const TensorQuant& quant) {
  const bool isSigned = quant.type == QuantType::Int8;
  const int c4 = shape.channelGroups();
  for (int n = 0; n < shape.n; ++n)
    for (int p = 0; p < shape.h * shape.w; ++p)
      for (int lane = shape.c; lane < c4 * 4; ++lane) {
        const size_t at = ((size_t(n) * c4 + c4 - 1) * shape.h * shape.w + p) * 4 + lane % 4;
        CHECK(int32_t(isSigned ? int8_t(raw[at]) : raw[at]) == quant.zeroPoint);
      }
  QuantizedTensor out;
  out.shape = shape;
  out.quant = quant;
  out.data = unpackQuantizedNC4HW4(raw, shape, isSigned);
  return out;
}

std::vector<uint8_t> tinyTflite(int builtinCode, bool pool2x2Options) {
  namespace T = mobilevk::tfl;
  flatbuffers::FlatBufferBuilder b;
  const std::vector<flatbuffers::Offset<T::Buffer>> buffers = {T::CreateBuffer(b)};
  const std::vector<flatbuffers::Offset<T::Tensor>> tensors = {
      T::CreateTensor(b, b.CreateVector(std::vector<int>{1, 4, 4, 3}), 0, 0, b.CreateString("input")),
      T::CreateTensor(b, b.CreateVector(std::vector<int>{1, 2, 2, 3}), 0, 0, b.CreateString("pooled"))};
  const auto pool = T::CreatePool2DOptions(b, /*VALID*/ 1, 2, 2, 2, 2, /*no activation*/ 0);
  const auto op = T::CreateOperator(b, 0, b.CreateVector(std::vector<int>{0}), b.CreateVector(std::vector<int>{1}),
                                    pool2x2Options ? T::BuiltinOptions_Pool2DOptions : T::BuiltinOptions_NONE,
                                    pool2x2Options ? pool.Union() : 0);
  const std::vector<flatbuffers::Offset<T::Operator>> ops = {op};
  const auto sg = T::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(std::vector<int>{0}),
                                    b.CreateVector(std::vector<int>{1}), b.CreateVector(ops));
  const std::vector<flatbuffers::Offset<T::OperatorCode>> codes = {
      T::CreateOperatorCode(b, int8_t(builtinCode), 0, 1, builtinCode)};
  const std::vector<flatbuffers::Offset<T::SubGraph>> subgraphs = {sg};
  const auto model = T::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs), 0, b.CreateVector(buffers));
  T::FinishModelBuffer(b, model);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}


std::string shared(const std::string& rel) { return std::string(MOBILEVK_SHARED_DIR) + "/" + rel; }

std::vector<uint8_t> rgbaOf(const mobilevk::Image& img) {
  std::vector<uint8_t> rgba(size_t(img.width) * img.height * 4, 255);
  for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&rgba[i * 4], &img.rgb[i * 3], 3);
  return rgba;
}

mobilevk::Model smallMobileNet(int resolution, int classes) {
  mobilevk::MobileNetV1Options o;
  o.alpha = 0.25f;
  o.resolution = resolution;
  o.classes = classes;
  return mobilevk::Model::mobileNetV1(o);
}

std::string scratchDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/mobilevk-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return std::string(tmpl);
  }();
  return dir;
}

}  // namespace testing

namespace testing {

void runHostRecordedIntegerFrame(mobilevk::Network& net, const mobilevk::Model& model, const mobilevk::HostTensor& tensor, int frame) {
  using namespace mobilevk;
  Gpu& gpu = InternalAccess::gpu(context());
  const std::vector<uint8_t> bytes =
      packQuantizedNC4HW4(tensor.shape, quantizeInput(model, tensor), model.inputQuantization().zeroPoint);
  const DeviceTensor in = net.inputTensor(frame);
  REQUIRE(in.quantized);
  REQUIRE(in.size >= bytes.size());
  Buffer staging(gpu, bytes.size(), MemoryUsage::Upload, "host input");
  std::memcpy(staging.mapped(), bytes.data(), bytes.size());
  gpu.runAndWait(
      [&](VkCommandBuffer cmd) {
        const VkBufferCopy region{0, in.offset, bytes.size()};
        gpu.vk().CmdCopyBuffer(cmd, staging.handle(), in.buffer, 1, &region);
        transferToComputeBarrier(gpu.vk(), cmd);
        net.record(cmd, frame);
        anyToHostBarrier(gpu.vk(), cmd);
      },
      "host-recorded integer frame");
}

}  // namespace testing
