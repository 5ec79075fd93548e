#include "graph/quantization.h"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cstdint>
#include <cmath>
#include <cstring>

#include "mobilevk/error.h"

namespace mobilevk {

std::string TensorQuant::str() const {
  return std::string(type == QuantType::UInt8 ? "uint8" : "int8") + " scale " + std::to_string(scale) + " zero point " +
         std::to_string(zeroPoint);
}

float requantizationScale(float inputScale, float weightScale, float outputScale, const std::string& layer) {
  const float scale = inputScale * weightScale / outputScale;
  if (!std::isfinite(scale) || scale <= 0.0f || scale >= 256.0f)
    throw Error(ErrorCode::Unsupported, layer + ": requantization scale " + std::to_string(scale) + " (input scale " +
                std::to_string(inputScale) + " x weight scale " + std::to_string(weightScale) + " / output scale " +
                std::to_string(outputScale) + ") is outside (0, 256), which integer execution supports");
  return scale;
}

std::vector<float> QuantizedLayer::requantizationScales(int outChannels, const std::string& layer) const {
  std::vector<float> scales;
  for (int c = 0; c < outChannels; ++c) scales.push_back(requantizationScale(input.scale, weightScaleOf(c), output.scale, layer));
  return scales;
}

void requireSameGrid(const QuantizedLayer& q, const std::string& layer) {
  if (q.output.type != q.input.type || q.output.scale != q.input.scale || q.output.zeroPoint != q.input.zeroPoint)
    throw Error(ErrorCode::Unsupported, layer + ": output " + q.output.str() + " differs from input " + q.input.str() +
                "; this kind keeps the stored values, so integer execution needs one grid in and out");
}

TensorQuant indexQuant() { return {QuantType::UInt8, 1.0f, 0}; }

void requireIndexGrid(const QuantizedLayer& q, int channels, const std::string& layer) {
  const TensorQuant i = indexQuant();
  if (q.output.type != i.type || q.output.scale != i.scale || q.output.zeroPoint != i.zeroPoint)
    throw Error(ErrorCode::Internal, layer + ": indices on the grid " + q.output.str() + ", expected " + i.str());
  if (channels > kMaxIndexedChannels)
    throw Error(ErrorCode::Unsupported, layer + ": the index of one of " + std::to_string(channels) + " channels; integer execution stores at most " +
                std::to_string(kMaxIndexedChannels) + " (run it in float)");
}

void activationRange(const TensorQuant& out, float realMin, float realMax, int32_t* lo, int32_t* hi) {
  // TfLiteRound: half away from zero.
  auto quantize = [&](float v) { return out.zeroPoint + int32_t(std::round(v / out.scale)); };
  *lo = realMin <= -FLT_MAX ? out.qmin() : std::max(out.qmin(), quantize(realMin));
  *hi = realMax >= FLT_MAX ? out.qmax() : std::min(out.qmax(), quantize(realMax));
  if (*lo > *hi) *lo = *hi;
}

}  // namespace mobilevk

namespace mobilevk {

AddParams addParams(const TensorQuant& a, const TensorQuant& b, const TensorQuant& out, int32_t activationMin,
                    int32_t activationMax, const std::string& layer) {
  const float aRatio = a.scale / out.scale, bRatio = b.scale / out.scale;
  for (float r : {aRatio, bRatio})
    if (!(r >= 0x1.0p-10f && r < 0x1.0p+8f))
      throw Error(ErrorCode::Unsupported, layer + ": an input scale over the output scale is " + std::to_string(r) +
                  " (inputs " + a.str() + " and " + b.str() + ", output " + out.str() +
                  "); integer ADD supports ratios in [2^-10, 2^8)");
  const float larger = std::max(aRatio, bRatio);
  uint32_t bits;
  std::memcpy(&bits, &larger, 4);
  const int32_t exponent = int32_t(bits >> 23) - 127;
  AddParams p;
  p.shift = 20 - exponent;  // the larger multiplier in [2^20, 2^21)
  // ratio * 2^shift is exact in float (an exponent change); rounding to the nearest integer, ties
  // to even, gives the multiplier.
  p.aMultiplier = int32_t(std::nearbyint(std::ldexp(aRatio, p.shift)));
  p.bMultiplier = int32_t(std::nearbyint(std::ldexp(bRatio, p.shift)));
  p.bias = (int32_t(1) << (p.shift - 1)) - p.aMultiplier * a.zeroPoint - p.bMultiplier * b.zeroPoint;
  p.outputZeroPoint = out.zeroPoint;
  p.activationMin = activationMin;
  p.activationMax = activationMax;
  return p;
}

}  // namespace mobilevk

namespace mobilevk {

FixedPointMultiplier fixedPointMultiplier(double factor) {
  FixedPointMultiplier m;
  if (factor == 0.0) return m;
  int exponent = 0;
  const double q = std::frexp(factor, &exponent);  // factor = q * 2^exponent, q in [0.5, 1)
  int64_t fixed = int64_t(std::round(q * double(1ll << 31)));
  if (fixed == (1ll << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    fixed = 0;
  }
  m.multiplier = int32_t(fixed);
  m.shift = exponent;
  return m;
}

int32_t multiplyByQuantizedMultiplier(int32_t x, const FixedPointMultiplier& m) {
  const int leftShift = m.shift > 0 ? m.shift : 0, rightShift = m.shift > 0 ? 0 : -m.shift;
  const int64_t a = int64_t(x) * (int64_t(1) << leftShift);
  int32_t high;
  if (a == INT32_MIN && m.multiplier == INT32_MIN) {
    high = INT32_MAX;
  } else {
    const int64_t ab = a * int64_t(m.multiplier);
    const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
    high = int32_t((ab + nudge) / (int64_t(1) << 31));  // truncates toward zero, as gemmlowp's
  }
  const int32_t mask = int32_t((int64_t(1) << rightShift) - 1);
  const int32_t remainder = high & mask;
  const int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> rightShift) + (remainder > threshold ? 1 : 0);
}

RequantizeParams requantizeParams(const TensorQuant& in, const TensorQuant& out, const std::string& layer) {
  const double factor = double(in.scale) / double(out.scale);
  // TFLite's Requantize takes effective scales its fixed-point multiplier can hold: below 2^31.
  if (!(factor > 0.0 && factor < double(1u << 31)))
    throw Error(ErrorCode::Unsupported, layer + ": requantizing " + in.str() + " to " + out.str() + " needs factor " +
                std::to_string(factor) + ", which integer QUANTIZE does not take");
  RequantizeParams p;
  p.m = fixedPointMultiplier(factor);
  p.inputZeroPoint = in.zeroPoint;
  p.outputZeroPoint = out.zeroPoint;
  p.outputMin = out.qmin();
  p.outputMax = out.qmax();
  return p;
}

float meanScale(const TensorQuant& in, const TensorQuant& out, int32_t count, const std::string& layer) {
  const float scale = in.scale / (out.scale * float(count));
  if (!std::isfinite(scale) || scale <= 0.0f || scale >= 256.0f)
    throw Error(ErrorCode::Unsupported, layer + ": MEAN's scale " + std::to_string(scale) + " (input " + in.str() + ", output " +
                out.str() + ", " + std::to_string(count) + " values) is outside (0, 256), which integer execution supports");
  return scale;
}

}  // namespace mobilevk

namespace mobilevk {

ConcatRequantize concatRequantize(const TensorQuant& input, const TensorQuant& output) {
  ConcatRequantize r;
  r.outputZeroPoint = output.zeroPoint;
  r.outputMin = output.qmin();
  r.outputMax = output.qmax();
  r.copy = input.zeroPoint == output.zeroPoint && input.scale == output.scale;
  const float inverseOutputScale = 1.0f / output.scale;
  r.scale = input.scale * inverseOutputScale;
  r.bias = float(-input.zeroPoint) * r.scale;
  return r;
}

int32_t concatRequantizeValue(int32_t q, const ConcatRequantize& r) {
  if (r.copy) return q;
  // Two roundings, as TFLite's (the build never fuses a multiply-add: CMakeLists.txt).
  const float product = float(q) * r.scale;
  const float v = product + r.bias;
  const int32_t value = int32_t(std::round(v)) + r.outputZeroPoint;
  return std::max(r.outputMin, std::min(r.outputMax, value));
}

std::vector<int32_t> logisticTable(const TensorQuant& input, const TensorQuant& output, const std::string& layer) {
  if (input.type != output.type)
    throw Error(ErrorCode::InvalidModel, "Logistic '" + layer + "': input is " + input.str() + ", output " + output.str());
  std::vector<int32_t> table(256);
  const float inverseOutputScale = 1.0f / output.scale;
  for (int32_t q = input.qmin(); q <= input.qmax(); ++q) {
    const float x = float(q - input.zeroPoint) * input.scale;
    const float y = std::signbit(x) ? 1.0f / (1.0f + std::exp(-x)) : 1.0f - 1.0f / (1.0f + std::exp(x));
    const long rounded = std::lrint(y * inverseOutputScale) + long(output.zeroPoint);
    table[size_t(uint8_t(q))] = int32_t(std::max<long>(output.qmin(), std::min<long>(output.qmax(), rounded)));
  }
  return table;
}

}  // namespace mobilevk

namespace mobilevk {

bool usesConvert(const TensorQuant& in, const TensorQuant& out) {
  const float ratio = in.scale / out.scale;
  return in.type == out.type && ratio >= 0x1.0p-8f && ratio <= 0x1.0p+7f;
}

ConvertParams convertParams(const TensorQuant& in, const TensorQuant& out) {
  ConvertParams p;
  const float ratio = in.scale / out.scale;
  p.multiplier = int32_t(std::lrint(256.0f * ratio));
  p.bias = out.zeroPoint * 256 - p.multiplier * in.zeroPoint + 128;
  p.outputMin = out.qmin();
  p.outputMax = out.qmax();
  return p;
}

}  // namespace mobilevk
