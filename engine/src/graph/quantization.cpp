#include "graph/quantization.h"

#include <algorithm>
#include <cfloat>

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
