#include "half.h"

#include <cstring>

#include "mobilevk/error.h"

namespace mobilevk {

float halfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  int exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      exp = 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ff;
      bits = sign | uint32_t(exp + 112) << 23 | (mant << 13);
    }
  } else {
    bits = sign | uint32_t(exp + 112) << 23 | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = uint16_t((x >> 16) & 0x8000);
  const uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return uint16_t(sign | 0x7c00 | (absx > 0x7f800000u ? 0x200 : 0));  // inf, nan
  if (absx >= 0x477ff000u) return uint16_t(sign | 0x7c00);  // rounds past 65504: inf
  if (absx < 0x38800000u) {  // subnormal half (or zero)
    if (absx < 0x33000000u) return sign;
    const uint32_t mant = (absx & 0x7fffff) | 0x800000;
    const int shift = 126 - int(absx >> 23);  // 14..24
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return uint16_t(sign | h);
  }
  uint32_t h = ((absx >> 13) - (112u << 10));
  const uint32_t rem = absx & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;
  return uint16_t(sign | h);
}

std::vector<uint16_t> toHalf(const std::vector<float>& v) {
  std::vector<uint16_t> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = floatToHalf(v[i]);
  return r;
}

std::vector<float> fromHalf(const std::vector<uint16_t>& v) {
  std::vector<float> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = halfToFloat(v[i]);
  return r;
}

std::vector<uint8_t> encodeStorage(const std::vector<float>& values, Precision p) {
  std::vector<uint8_t> bytes;
  if (p == Precision::FP16) {
    const auto h = toHalf(values);
    bytes.resize(h.size() * 2);
    std::memcpy(bytes.data(), h.data(), bytes.size());
  } else {
    bytes.resize(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
  }
  return bytes;
}

std::vector<float> decodeStorage(const std::vector<uint8_t>& bytes, Precision p) {
  if (p == Precision::FP16) {
    std::vector<uint16_t> h(bytes.size() / 2);
    std::memcpy(h.data(), bytes.data(), h.size() * 2);
    return fromHalf(h);
  }
  std::vector<float> values(bytes.size() / 4);
  std::memcpy(values.data(), bytes.data(), values.size() * 4);
  return values;
}

std::vector<uint8_t> packQuantizedNC4HW4(const Shape& s, const std::vector<int32_t>& nhwc, int32_t pad) {
  if (nhwc.size() != s.elements())
    throw Error(ErrorCode::InvalidArgument, "packQuantizedNC4HW4: " + std::to_string(nhwc.size()) + " values for shape " + s.str());
  const int c4 = s.channelGroups();
  std::vector<uint8_t> out(s.packedElements(), uint8_t(pad));
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int c = 0; c < s.c; ++c)
          out[(((size_t(n) * c4 + c / 4) * s.h + y) * s.w + x) * 4 + c % 4] =
              uint8_t(nhwc[((size_t(n) * s.h + y) * s.w + x) * s.c + c]);
  return out;
}

std::vector<int32_t> unpackQuantizedNC4HW4(const std::vector<uint8_t>& bytes, const Shape& s, bool isSigned) {
  if (bytes.size() != s.packedElements())
    throw Error(ErrorCode::InvalidArgument, "unpackQuantizedNC4HW4: " + std::to_string(bytes.size()) + " bytes for shape " + s.str());
  const int c4 = s.channelGroups();
  std::vector<int32_t> out(s.elements());
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int c = 0; c < s.c; ++c) {
          const uint8_t b = bytes[(((size_t(n) * c4 + c / 4) * s.h + y) * s.w + x) * 4 + c % 4];
          out[((size_t(n) * s.h + y) * s.w + x) * s.c + c] = isSigned ? int32_t(int8_t(b)) : int32_t(b);
        }
  return out;
}

}  // namespace mobilevk
