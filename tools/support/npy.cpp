#include "npy.h"

#include <cstring>

#include "io/file_io.h"
#include "mobilevk/error.h"

namespace mobilevk {

HostTensor readNpy(const std::string& path, NpyType* type) { return parseNpy(readRegularFile(path, 2ull << 30), path, type); }

HostTensor parseNpy(const std::vector<uint8_t>& bytes, const std::string& path, NpyType* type) {
  auto fail = [&](const std::string& m) -> void { throw Error(ErrorCode::InvalidArgument, path + ": " + m); };
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) fail("not a .npy file (bad magic)");
  const int major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail("truncated header");
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    fail("unsupported .npy version " + std::to_string(major));
    return {};
  }
  if (headerStart + headerLen > bytes.size()) fail("truncated header");
  const std::string header(bytes.begin() + long(headerStart), bytes.begin() + long(headerStart + headerLen));
  auto field = [&](const std::string& key) {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos) fail("header lacks '" + key + "'");
    return header.substr(header.find(':', k) + 1);
  };
  const std::string descr = field("descr").substr(0, field("descr").find(','));
  NpyType found = NpyType::Float32;
  if (descr.find("'<f4'") != std::string::npos) found = NpyType::Float32;
  else if (type && descr.find("'|u1'") != std::string::npos) found = NpyType::UInt8;
  else if (type && descr.find("'|i1'") != std::string::npos) found = NpyType::Int8;
  else fail(std::string("dtype is not little-endian float32 ('<f4')") + (type ? " nor 8-bit integers ('|u1', '|i1')" : ""));
  if (type) *type = found;
  const size_t elementBytes = found == NpyType::Float32 ? 4 : 1;
  const std::string order = field("fortran_order");
  if (order.find("True") < order.find(','))
    fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
  std::string shapeStr = field("shape");
  shapeStr = shapeStr.substr(shapeStr.find('(') + 1);
  shapeStr = shapeStr.substr(0, shapeStr.find(')'));
  std::vector<long long> dims;
  size_t pos = 0;
  while (pos < shapeStr.size()) {
    while (pos < shapeStr.size() && (shapeStr[pos] == ' ' || shapeStr[pos] == ',')) ++pos;
    if (pos >= shapeStr.size()) break;
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(shapeStr.substr(pos), &used);
    } catch (...) {
      fail("cannot parse shape (" + shapeStr + ")");
    }
    if (v <= 0 || v > (1 << 24)) fail("shape dimension " + std::to_string(v) + " is out of range");
    dims.push_back(v);
    pos += used;
  }
  if (dims.size() == 3) dims.insert(dims.begin(), 1);
  if (dims.size() != 4) fail("shape (" + shapeStr + ") must be [N, H, W, C] or [H, W, C]");
  // Check the data size before allocating anything (found by fuzzing: a header declaring a huge
  // shape must not make us allocate it).
  const size_t dataStart = headerStart + headerLen;
  const uint64_t have = bytes.size() - dataStart;
  const std::string shapeText = std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]) +
                                "x" + std::to_string(dims[3]);
  uint64_t count = 1;  // multiplied step by step so that it cannot overflow
  for (long long d : dims) {
    if (uint64_t(d) > (have / elementBytes) / count)
      fail("holds " + std::to_string(have) + " data bytes, too few for shape " + shapeText);
    count *= uint64_t(d);
  }
  if (count * elementBytes != have)
    fail("holds " + std::to_string(have) + " data bytes, shape " + shapeText + " needs " + std::to_string(count * elementBytes));
  HostTensor t({int(dims[0]), int(dims[1]), int(dims[2]), int(dims[3])});
  const uint8_t* data = bytes.data() + dataStart;
  if (found == NpyType::Float32) std::memcpy(t.data.data(), data, t.data.size() * 4);
  for (size_t i = 0; found != NpyType::Float32 && i < t.data.size(); ++i)
    t.data[i] = found == NpyType::UInt8 ? float(data[i]) : float(int8_t(data[i]));
  return t;
}

namespace {

// One .npy file: header for `descr` and `dims`, then `bytes` (count elements).
void writeNpyFile(const std::string& path, const char* descr, const void* bytes, size_t elementBytes, size_t count,
                  const std::vector<int>& dims, bool overwrite) {
  size_t cells = 1;
  std::string shape = "(";
  for (int d : dims) {
    cells *= size_t(d);
    shape += std::to_string(d) + ",";
  }
  if (dims.size() > 1) shape.pop_back();
  shape += ")";
  if (cells != count)
    throw Error(ErrorCode::InvalidArgument, path + ": " + std::to_string(count) + " values do not fill shape " + shape);
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string file("\x93NUMPY\x01\x00", 8);
  file += char(header.size() & 0xff);
  file += char(header.size() >> 8);
  file += header;
  file.append(static_cast<const char*>(bytes), count * elementBytes);
  writeFileAtomically(path, file.data(), file.size(), overwrite ? Replace::RegularFile : Replace::Never);
}

}  // namespace

void writeNpy(const std::string& path, const std::vector<float>& data, const std::vector<int>& dims, bool overwrite) {
  writeNpyFile(path, "<f4", data.data(), 4, data.size(), dims, overwrite);
}

void writeNpyBytes(const std::string& path, const std::vector<int32_t>& values, bool isSigned, const std::vector<int>& dims,
                   bool overwrite) {
  std::vector<uint8_t> bytes(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const int32_t lo = isSigned ? -128 : 0, hi = isSigned ? 127 : 255;
    if (values[i] < lo || values[i] > hi)
      throw Error(ErrorCode::InvalidArgument, path + ": value " + std::to_string(values[i]) + " at index " + std::to_string(i) +
                  " does not fit " + (isSigned ? "int8" : "uint8"));
    bytes[i] = uint8_t(values[i]);
  }
  writeNpyFile(path, isSigned ? "|i1" : "|u1", bytes.data(), 1, bytes.size(), dims, overwrite);
}

void writeNpyInt32(const std::string& path, const std::vector<int32_t>& values, const std::vector<int>& dims, bool overwrite) {
  std::vector<uint8_t> bytes(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i)
    for (int k = 0; k < 4; ++k) bytes[4 * i + size_t(k)] = uint8_t(uint32_t(values[i]) >> (8 * k));  // little-endian
  writeNpyFile(path, "<i4", bytes.data(), 4, values.size(), dims, overwrite);
}

}  // namespace mobilevk
