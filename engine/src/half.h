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

// 8-bit tensors of integer execution (shaders/int8.glsl): NHWC integers <-> NC4HW4 bytes, the lanes
// past the channel count filled with `pad` (the zero point); bytes back to values (int8 when
// isSigned).
std::vector<uint8_t> packQuantizedNC4HW4(const Shape& s, const std::vector<int32_t>& nhwc, int32_t pad);
std::vector<int32_t> unpackQuantizedNC4HW4(const std::vector<uint8_t>& bytes, const Shape& s, bool isSigned);

// Bytes a device tensor of this shape occupies (NC4HW4, 4 or 2 bytes per element).
inline size_t deviceTensorBytes(const Shape& s, Precision p = Precision::FP32) {
  return s.packedElements() * (p == Precision::FP16 ? 2 : 4);
}

}  // namespace mobilevk
