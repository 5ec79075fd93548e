#include "graph/quantization.h"

#include <algorithm>
#include <cfloat>
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
  if (q.output.scale != q.input.scale || q.output.zeroPoint != q.input.zeroPoint)
    throw Error(ErrorCode::Unsupported, layer + ": output " + q.output.str() + " differs from input " + q.input.str() +
                "; integer pooling keeps the input's quantization");
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
