#include "mobilevk/tensor.h"

#include <cmath>

#include "mobilevk/error.h"

namespace mobilevk {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::InvalidModel: return "invalid model";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::IO: return "I/O error";
    case ErrorCode::OutOfMemory: return "out of memory";
    case ErrorCode::DeviceLost: return "device lost";
    case ErrorCode::Internal: return "internal error";
  }
  return "unknown error";
}

std::string Shape::str() const {
  return std::to_string(n) + "x" + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
}

IndexTensor indicesFromFloats(const HostTensor& t) {
  if (t.data.size() != t.shape.elements())
    throw Error(ErrorCode::InvalidArgument, "indicesFromFloats: tensor of shape " + t.shape.str() + " holds " + std::to_string(t.data.size()) +
                " floats, expected " + std::to_string(t.shape.elements()));
  IndexTensor out{t.shape, std::vector<int32_t>(t.data.size())};
  for (size_t i = 0; i < t.data.size(); ++i) {
    const float v = t.data[i];
    if (!(v >= 0.0f && v <= 16777216.0f) || v != std::floor(v))
      throw Error(ErrorCode::InvalidArgument, "indicesFromFloats: element " + std::to_string(i) + " of a " + t.shape.str() + " tensor is " +
                  std::to_string(v) + ", not an index (a whole number in [0, 2^24])");
    out.data[i] = int32_t(v);
  }
  return out;
}

std::vector<float> packNC4HW4(const HostTensor& t) {
  const Shape& s = t.shape;
  if (t.data.size() != s.elements())
    throw Error(ErrorCode::InvalidArgument, "packNC4HW4: tensor of shape " + s.str() + " holds " + std::to_string(t.data.size()) +
                " floats, expected " + std::to_string(s.elements()));
  const int c4 = s.channelGroups();
  std::vector<float> out(s.packedElements(), 0.0f);
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int c = 0; c < s.c; ++c) {
          size_t dst = (((size_t(n) * c4 + c / 4) * s.h + y) * s.w + x) * 4 + c % 4;
          out[dst] = t.at(n, y, x, c);
        }
  return out;
}

HostTensor unpackNC4HW4(const std::vector<float>& packed, const Shape& s) {
  if (packed.size() != s.packedElements())
    throw Error(ErrorCode::InvalidArgument, "unpackNC4HW4: packed buffer holds " + std::to_string(packed.size()) + " floats, shape " +
                s.str() + " needs " + std::to_string(s.packedElements()));
  const int c4 = s.channelGroups();
  HostTensor t(s);
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int c = 0; c < s.c; ++c)
          t.at(n, y, x, c) = packed[(((size_t(n) * c4 + c / 4) * s.h + y) * s.w + x) * 4 + c % 4];
  return t;
}

}  // namespace mobilevk
