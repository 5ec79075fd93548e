#pragma once
// IEEE 754 binary16 <-> binary32 conversion on the host (round to nearest even), and the storage
// encoding of a precision.
#include <cstdint>
#include <vector>

#include "mobilevk/tensor.h"

namespace mobilevk {

float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
std::vector<uint16_t> toHalf(const std::vector<float>& v);
std::vector<float> fromHalf(const std::vector<uint16_t>& v);

// Floats in a precision's storage format (fp32 bytes as they are, or converted to fp16), and back.
std::vector<uint8_t> encodeStorage(const std::vector<float>& values, Precision p);
std::vector<float> decodeStorage(const std::vector<uint8_t>& bytes, Precision p);

// Bytes a device tensor of this shape occupies (NC4HW4, 4 or 2 bytes per element).
inline size_t deviceTensorBytes(const Shape& s, Precision p = Precision::FP32) {
  return s.packedElements() * (p == Precision::FP16 ? 2 : 4);
}

}  // namespace mobilevk
