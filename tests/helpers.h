#pragma once
#include <cstdint>
#include <random>
#include <string>

#include "mobilevk/context.h"
#include "mobilevk/image.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "mobilevk/tensor.h"
#include "graph/quantization.h"
#include "ops/op.h"

namespace testing {

// One validated context for the whole test run (creating one per case would dominate run time).
// Creation fails loudly if the Khronos validation layer is missing: a test run without it would
// claim a check it did not make.
mobilevk::Context& context();
// The device profile context() runs under: MOBILEVK_TEST_DEVICE_PROFILE (set by the profile/ ctest
// entries), "" for the device as it is. Tests that make contexts of their own pass it on.
std::string deviceProfile();
// True when context() has 16-bit storage. Otherwise (a device profile without it) checks that fp16
// is refused by name and returns false: the fp16 half of a test then has nothing else to check.
bool fp16StorageOrRefused();

// Destroys the shared context; returns how many validation messages its teardown produced.
int shutdown();

// Fails the current test case if the validation layer reported anything, then clears the list.
void expectNoValidationMessages();

// Uploads `in`, binds and records `op`, runs it, and returns the output. The output buffer is
// pre-filled with NaN so an element the shader forgot to write cannot pass, and the padding lanes
// of the last channel group are checked to be exactly zero.
mobilevk::HostTensor runGpu(mobilevk::GpuOp& op, const mobilevk::HostTensor& in,
                            mobilevk::Precision precision = mobilevk::Precision::FP32);

mobilevk::HostTensor randomTensor(const mobilevk::Shape& s, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f);
std::vector<float> randomVector(size_t n, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f);

// Elementwise comparison: |gpu - ref| <= tol[i]; returns the max abs difference and fails with
// the first offending index otherwise.
double expectClose(const mobilevk::HostTensor& gpu, const mobilevk::HostTensor& ref,
                   const std::vector<float>& tolerance, const std::string& what);

// A path under ../shared (the real models and photos), MOBILEVK_SHARED_DIR at build time.
std::string shared(const std::string& rel);
// The image's pixels as tightly packed RGBA8 (alpha 255), as runPixels and the C API take them.
std::vector<uint8_t> rgbaOf(const mobilevk::Image& img);

// The paper's MobileNetV1 at alpha 0.25 with random weights: small enough for any test.
mobilevk::Model smallMobileNet(int resolution, int classes);

// A directory of this test run's own, made once (mkdtemp), for files a test writes.
std::string scratchDir();

// A tiny float TFLite model: input [1,4,4,3] -> one operator of the given builtin code -> [1,2,2,3];
// with pool2x2Options the operator has Pool2DOptions for a 2x2 window, stride 2, VALID.
std::vector<uint8_t> tinyTflite(int builtinCode, bool pool2x2Options = false);

// An integer op's downloaded 8-bit output as a tensor on `quant`; fails the current check where a
// lane of the last channel group past the channel count does not hold the zero point.
mobilevk::QuantizedTensor quantizedOutput(const std::vector<uint8_t>& raw, const mobilevk::Shape& shape,
                                          const mobilevk::TensorQuant& quant);

// Frame `frame` of an integer network recorded as an embedding host does: the input tensor's own
// integers for `tensor` copied into inputTensor(frame), then record(cmd, frame), in one command
// buffer of the test's, submitted and waited for. Read the frame's outputs afterwards.
void runHostRecordedIntegerFrame(mobilevk::Network& net, const mobilevk::Model& model, const mobilevk::HostTensor& tensor, int frame);

// Records the max abs error seen per op, printed at the end of the run for the closing note.
void recordError(const std::string& op, double maxAbs);

}  // namespace testing
