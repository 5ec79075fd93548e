#pragma once
// IEEE 754 binary16 <-> binary32 conversion on the host (round to nearest even).
#include <cstdint>
#include <vector>

namespace mobilevk {

float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
std::vector<uint16_t> toHalf(const std::vector<float>& v);
std::vector<float> fromHalf(const std::vector<uint16_t>& v);

}  // namespace mobilevk
