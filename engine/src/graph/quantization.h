#pragma once
// Quantized layers as TFLite's runtime executes them: 8-bit tensors (real = scale * (q - zeroPoint)),
// int32 accumulation with the zero points subtracted, and requantization of every output onto its
// own 8-bit grid. The importer keeps a quantized file's own integers here beside the dequantized
// float weights (which the float path runs); the CPU integer twin and the GPU integer kernels both
// read these numbers, and the host-side parameters they share (requantization scales, activation
// ranges) are computed once, here.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mobilevk/tensor.h"

namespace mobilevk {

enum class QuantType { UInt8, Int8 };

struct TensorQuant {
  QuantType type = QuantType::UInt8;
  float scale = 1.0f;
  int32_t zeroPoint = 0;
  int32_t qmin() const { return type == QuantType::UInt8 ? 0 : -128; }
  int32_t qmax() const { return type == QuantType::UInt8 ? 255 : 127; }
  std::string str() const;  // "uint8 scale 0.0235 zero point 128"
};

// The integers of one layer of a quantized file.
struct QuantizedLayer {
  // The grids of the node's first input and its output, and of its other inputs (ADD's second):
  // copies of its values' (graph/builder.h).
  TensorQuant input, output;
  std::vector<TensorQuant> otherInputs;
  // Weights as stored (uint8 or int8 values), in ConvDesc::weights' layout; one scale and zero point,
  // or one per output channel. Empty for layers without weights.
  QuantType weightType = QuantType::UInt8;
  std::vector<int32_t> weights;
  std::vector<float> weightScale;
  std::vector<int32_t> weightZeroPoint;
  std::vector<int32_t> bias;  // int32, scale input.scale * weightScale, zero point 0; empty for none
  // The fused activation as a range of output integers (the type's whole range when there is none).
  int32_t activationMin = 0, activationMax = 255;

  float weightScaleOf(int channel) const { return weightScale.size() == 1 ? weightScale[0] : weightScale[size_t(channel)]; }
  int32_t weightZeroPointOf(int channel) const {
    return weightZeroPoint.size() == 1 ? weightZeroPoint[0] : weightZeroPoint[size_t(channel)];
  }
  // The requantization scale of each of `outChannels` output channels (see requantizationScale);
  // throws naming `layer` at the first one integer arithmetic cannot take.
  std::vector<float> requantizationScales(int outChannels, const std::string& layer) const;
};

// A host tensor of 8-bit values (held as int32 for plain arithmetic), NHWC.
struct QuantizedTensor {
  Shape shape;
  std::vector<int32_t> data;
  TensorQuant quant;
  QuantizedTensor() = default;
  QuantizedTensor(const Shape& s, const TensorQuant& q) : shape(s), data(s.elements(), q.zeroPoint), quant(q) {}
  int32_t& at(int n, int y, int x, int c) { return data[((size_t(n) * shape.h + y) * shape.w + x) * shape.c + c]; }
  int32_t at(int n, int y, int x, int c) const { return data[((size_t(n) * shape.h + y) * shape.w + x) * shape.c + c]; }
};

// The float multiplier of an accumulator: input scale * weight scale / output scale, evaluated in
// float in that order, as XNNPACK does. Throws naming `layer` when it is not finite and positive, or
// reaches 256 (XNNPACK's limit for its fp32 requantization).
float requantizationScale(float inputScale, float weightScale, float outputScale, const std::string& layer);

// acc * scale (in float) clamped to [lo, hi] less the zero point, rounded to the nearest integer
// (ties to even), plus the zero point: XNNPACK's "fp32" requantization.
inline int32_t requantize(int32_t acc, float scale, int32_t zeroPoint, int32_t lo, int32_t hi) {
  float f = float(acc) * scale;
  f = std::fmax(f, float(lo - zeroPoint));
  f = std::fmin(f, float(hi - zeroPoint));
  return int32_t(std::nearbyint(f)) + zeroPoint;
}

// Pooling keeps its input's grid: throws (Unsupported, naming `layer`) when the file gives the
// output another scale or zero point.
void requireSameGrid(const QuantizedLayer& q, const std::string& layer);

// ARG_MAX's class indices in integer execution: 8-bit values on the grid of scale 1 and zero point
// 0 (so the dequantized value is the index itself), which holds the indices of up to
// kMaxIndexedChannels channels. requireIndexGrid throws (Unsupported, naming `layer`) for another
// output grid or more channels.
constexpr int kMaxIndexedChannels = 256;
TensorQuant indexQuant();
void requireIndexGrid(const QuantizedLayer& q, int channels, const std::string& layer);

// The fused activation as output integers: TFLite's CalculateActivationRangeQuantized
// (none: the type's range; ReLU: from the zero point; ReLU6: the zero point to the quantized 6).
void activationRange(const TensorQuant& out, float realMin, float realMax, int32_t* lo, int32_t* hi);

}  // namespace mobilevk

namespace mobilevk {

// Quantized ADD as XNNPACK computes it (where LiteRT's default CPU path sends it): each input's
// scale over the output's becomes an integer multiplier with one shared shift (the larger ratio's
// multiplier has 21 bits), the zero points and the rounding half fold into one bias, and a single
// arithmetic shift rounds: out = ((bias + a * aMultiplier + b * bMultiplier) >> shift) + zero point,
// then clamped to the activation range.
struct AddParams {
  int32_t aMultiplier = 0, bMultiplier = 0, bias = 0;
  int32_t shift = 0;
  int32_t outputZeroPoint = 0, activationMin = 0, activationMax = 0;
};
// Throws (Unsupported, naming `layer`) when a ratio of scales lies outside [2^-10, 2^8), which
// XNNPACK's integer ADD does not take.
AddParams addParams(const TensorQuant& a, const TensorQuant& b, const TensorQuant& out, int32_t activationMin,
                    int32_t activationMax, const std::string& layer);
inline int32_t quantizedAdd(int32_t a, int32_t b, const AddParams& p) {
  const int32_t acc = p.bias + a * p.aMultiplier + b * p.bMultiplier;
  const int32_t v = (acc >> p.shift) + p.outputZeroPoint;  // arithmetic shift: floor
  return v < p.activationMin ? p.activationMin : v > p.activationMax ? p.activationMax : v;
}

}  // namespace mobilevk

namespace mobilevk {

// TFLite's fixed-point multiplier of a real factor: factor = multiplier * 2^(shift - 31), the
// multiplier in [2^30, 2^31) (QuantizeMultiplier), and the product of an int32 with it: a
// saturating rounding doubling high multiply, then a rounding right shift (MultiplyByQuantizedMultiplier).
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};
FixedPointMultiplier fixedPointMultiplier(double factor);
int32_t multiplyByQuantizedMultiplier(int32_t x, const FixedPointMultiplier& m);

// QUANTIZE between 8-bit grids as TFLite's builtin computes it (XNNPACK takes no mixed-type
// requantization): out = clamp(MultiplyByQuantizedMultiplier(q - inZeroPoint, in/out scales) +
// outZeroPoint) on the output type. Throws (Unsupported, naming `layer`) for a pair of types
// LiteRT does not convert.
struct RequantizeParams {
  FixedPointMultiplier m;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0, outputMin = 0, outputMax = 255;
};
RequantizeParams requantizeParams(const TensorQuant& in, const TensorQuant& out, const std::string& layer);
inline int32_t requantizeValue(int32_t q, const RequantizeParams& p) {
  const int32_t v = multiplyByQuantizedMultiplier(q - p.inputZeroPoint, p.m) + p.outputZeroPoint;
  return v < p.outputMin ? p.outputMin : v > p.outputMax ? p.outputMax : v;
}

// QUANTIZE within one 8-bit type (uint8 -> uint8, int8 -> int8) where LiteRT sends it to XNNPACK's
// convert (the scale ratio in [2^-8, 2^7]): an 8-bit fixed-point multiplier m = lrintf(256 * (input
// scale / output scale)), and out = clamp((bias + q * m) >> 8) with bias = output zero point * 256
// - m * input zero point + 128. Between types, or outside that ratio, TFLite's builtin
// requantization above runs instead (usesConvert says which).
struct ConvertParams {
  int32_t multiplier = 256, bias = 128, outputMin = 0, outputMax = 255;
};
bool usesConvert(const TensorQuant& in, const TensorQuant& out);
ConvertParams convertParams(const TensorQuant& in, const TensorQuant& out);
inline int32_t convertValue(int32_t q, const ConvertParams& p) {
  const int32_t v = (p.bias + q * p.multiplier) >> 8;  // arithmetic shift
  return v < p.outputMin ? p.outputMin : v > p.outputMax ? p.outputMax : v;
}

// MEAN over height and width (global pooling in TF2 files) as XNNPACK computes it for LiteRT: the
// integer sum less count * input zero point, times inputScale / (outputScale * count) in float,
// rounded to nearest even, plus the output zero point, clamped to the output type.
float meanScale(const TensorQuant& in, const TensorQuant& out, int32_t count, const std::string& layer);

}  // namespace mobilevk

namespace mobilevk {

// CONCATENATION of an input whose grid differs from the output's, as TFLite's builtin kernel
// computes it (LiteRT runs it: XNNPACK takes only concatenations of one grid): a copy where the
// grids are equal; else round(q * s + b) half away from zero, in float, plus the output zero
// point, clamped to the output type; s = input scale * (1 / output scale), b = -zero point * s.
struct ConcatRequantize {
  bool copy = true;
  float scale = 1.0f, bias = 0.0f;
  int32_t outputZeroPoint = 0, outputMin = 0, outputMax = 255;
};
ConcatRequantize concatRequantize(const TensorQuant& input, const TensorQuant& output);
int32_t concatRequantizeValue(int32_t q, const ConcatRequantize& r);

// LOGISTIC on 8-bit grids as XNNPACK's table (what LiteRT runs): for each stored value, its real
// value, the sigmoid in float (1 / (1 + e^-x) for x < 0, 1 - 1 / (1 + e^x) otherwise), times
// 1 / output scale, rounded to nearest even, plus the zero point, clamped. Indexed by the stored
// byte (an int8 value's two's complement). Throws naming `layer` where the grids are not 8-bit
// alike.
std::vector<int32_t> logisticTable(const TensorQuant& input, const TensorQuant& output, const std::string& layer);

}  // namespace mobilevk
