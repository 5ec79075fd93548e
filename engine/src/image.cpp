#include "mobilevk/image.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "import/importers.h"
#include "mobilevk/error.h"

#include "stb_image_config.h"

namespace mobilevk {

namespace {

// stb_image's test for a JPEG: 0xFF, any number of 0xFF fill bytes, then SOI (0xD8). Returns the offset
// just after SOI, or 0 when stb would not read the data as a JPEG.
size_t jpegBodyOffset(const uint8_t* data, size_t size) {
  if (size < 2 || data[0] != 0xFF) return 0;
  size_t pos = 1;
  while (pos < size && data[pos] == 0xFF) ++pos;
  return pos < size && data[pos] == 0xD8 ? pos + 1 : 0;
}

// Walks a JPEG's marker segments the way stb_image meets them and refuses Huffman tables declaring more
// than 256 codes: Debian's stb_image (2022) indexes past its 257-entry table on those (found by fuzzing;
// newer stb rejects them too). Only segment headers are read; decoding stays stb's. Where the walk and stb
// could part ways it errs towards looking at more bytes, never fewer: stb reads a DHT's tables while the
// declared length is positive, even when a table's counts run past the segment (or past the end of the
// file, where stb reads zeros).
void checkJpegHuffmanTables(const uint8_t* data, size_t size, size_t pos, const std::string& what) {
  while (pos + 2 <= size) {
    if (data[pos] != 0xFF) {  // entropy-coded data or padding: stb skips to the next 0xFF
      ++pos;
      continue;
    }
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length field
      pos += 2;
      continue;
    }
    if (marker == 0xD9) return;  // EOI: stb stops reading here
    const auto byteAt = [&](size_t i) -> size_t { return i < size ? data[i] : 0; };
    const size_t length = byteAt(pos + 2) << 8 | byteAt(pos + 3);
    if (marker == 0xC4) {  // DHT: tables of (class/id, 16 counts, values) while length remains
      const size_t end = pos + 2 + length;
      for (size_t p = pos + 4; p < end && p < size;) {
        size_t codes = 0;
        for (size_t i = 1; i <= 16; ++i) codes += byteAt(p + i);
        if (codes > 256) throw Error(what + ": corrupt JPEG (a Huffman table declares " + std::to_string(codes) + " codes)");
        p += 17 + codes;
      }
    }
    if (length < 2 || pos + 2 + length > size) return;  // stb fails on this segment: nothing after it is read
    pos += 2 + length;
  }
}

}  // namespace

Image decodeImage(const uint8_t* data, size_t size, const std::string& what) {
  if (size == 0) throw Error(what + ": empty file, not an image");
  if (const size_t body = jpegBodyOffset(data, size)) checkJpegHuffmanTables(data, size, body, what);
  if (size > (1u << 30)) throw Error(what + ": larger than 1 GiB");
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(data, int(size), &w, &h, &comp))
    throw Error(what + ": not a readable JPEG, PNG or BMP image (" + stbi_failure_reason() + ")");
  if (w <= 0 || h <= 0 || uint64_t(w) * uint64_t(h) > (1ull << 28))
    throw Error(what + ": image size " + std::to_string(w) + "x" + std::to_string(h) + " is not supported");
  unsigned char* pixels = stbi_load_from_memory(data, int(size), &w, &h, &comp, 3);
  if (!pixels) throw Error(what + ": cannot decode image (" + stbi_failure_reason() + ")");
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels, pixels + size_t(w) * h * 3);
  stbi_image_free(pixels);
  return img;
}

Image loadImage(const std::string& path) {
  const auto bytes = readFileBytes(path, 1ull << 30);
  return decodeImage(bytes.data(), bytes.size(), path);
}

namespace {

// One separable pass of PIL-style triangle filtering along an axis of `inSize` samples.
struct Taps {
  std::vector<int> first, count;
  std::vector<double> weights;  // count[i] weights starting at offsets[i]
  std::vector<size_t> offsets;
};

Taps triangleTaps(int inSize, int outSize) {
  const double scale = double(inSize) / outSize;
  const double support = std::max(scale, 1.0);  // triangle radius 1, stretched when downscaling
  Taps t;
  for (int o = 0; o < outSize; ++o) {
    const double center = (o + 0.5) * scale;
    int lo = std::max(0, int(std::floor(center - support)));
    int hi = std::min(inSize, int(std::ceil(center + support)));
    t.first.push_back(lo);
    t.offsets.push_back(t.weights.size());
    double total = 0.0;
    std::vector<double> w;
    for (int i = lo; i < hi; ++i) {
      const double x = std::fabs((i + 0.5 - center) / support);
      const double v = x < 1.0 ? 1.0 - x : 0.0;
      w.push_back(v);
      total += v;
    }
    for (auto& v : w) t.weights.push_back(total > 0 ? v / total : 0.0);
    t.count.push_back(int(w.size()));
  }
  return t;
}

uint8_t toByte(double v) { return uint8_t(std::clamp(std::lround(v), 0l, 255l)); }

}  // namespace

Image resizeBilinear(const Image& src, int width, int height) {
  if (width <= 0 || height <= 0) throw Error("resize to " + std::to_string(width) + "x" + std::to_string(height) + " is invalid");
  if (src.width <= 0 || src.height <= 0 || src.rgb.size() != size_t(src.width) * src.height * 3)
    throw Error("resize: the source image is empty or inconsistent");
  if (src.width == width && src.height == height) return src;
  // Horizontal pass.
  Image tmp;
  tmp.width = width;
  tmp.height = src.height;
  tmp.rgb.resize(size_t(width) * src.height * 3);
  const Taps tx = triangleTaps(src.width, width);
  for (int y = 0; y < src.height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c) {
        double acc = 0.0;
        for (int k = 0; k < tx.count[x]; ++k)
          acc += tx.weights[tx.offsets[x] + k] * src.rgb[(size_t(y) * src.width + tx.first[x] + k) * 3 + c];
        tmp.rgb[(size_t(y) * width + x) * 3 + c] = toByte(acc);
      }
  // Vertical pass.
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.resize(size_t(width) * height * 3);
  const Taps ty = triangleTaps(src.height, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c) {
        double acc = 0.0;
        for (int k = 0; k < ty.count[y]; ++k)
          acc += ty.weights[ty.offsets[y] + k] * tmp.rgb[(size_t(ty.first[y] + k) * width + x) * 3 + c];
        out.rgb[(size_t(y) * width + x) * 3 + c] = toByte(acc);
      }
  return out;
}

HostTensor imagesToTensor(const std::vector<Image>& images, const InputSpec& spec) {
  if (images.empty()) throw Error("no images given");
  if (spec.channels != 3)
    throw Error("the model takes " + std::to_string(spec.channels) + "-channel input; images give 3 (RGB)");
  HostTensor t({int(images.size()), spec.height, spec.width, 3});
  for (size_t n = 0; n < images.size(); ++n) {
    const Image r = resizeBilinear(images[n], spec.width, spec.height);
    for (int y = 0; y < spec.height; ++y)
      for (int x = 0; x < spec.width; ++x)
        for (int c = 0; c < 3; ++c)
          t.at(int(n), y, x, c) = float(r.rgb[(size_t(y) * spec.width + x) * 3 + c]) * spec.scale[c] + spec.offset[c];
  }
  return t;
}

HostTensor readNpy(const std::string& path) { return parseNpy(readFileBytes(path, 2ull << 30), path); }

HostTensor parseNpy(const std::vector<uint8_t>& bytes, const std::string& path) {
  auto fail = [&](const std::string& m) -> void { throw Error(path + ": " + m); };
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
  const std::string descr = field("descr");
  if (descr.find("'<f4'") != 0 && descr.find(" '<f4'") != 0 && descr.find("'<f4'") == std::string::npos)
    fail("dtype is not little-endian float32 ('<f4'); convert with arr.astype(np.float32)");
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
    if (uint64_t(d) > (have / 4) / count) fail("holds " + std::to_string(have) + " data bytes, too few for shape " + shapeText);
    count *= uint64_t(d);
  }
  if (count * 4 != have)
    fail("holds " + std::to_string(have) + " data bytes, shape " + shapeText + " needs " + std::to_string(count * 4));
  HostTensor t({int(dims[0]), int(dims[1]), int(dims[2]), int(dims[3])});
  std::memcpy(t.data.data(), bytes.data() + dataStart, t.data.size() * 4);
  return t;
}

void writeNpy(const std::string& path, const std::vector<float>& data, const std::vector<int>& dims, bool overwrite) {
  size_t count = 1;
  std::string shape = "(";
  for (int d : dims) {
    count *= size_t(d);
    shape += std::to_string(d) + ",";
  }
  if (dims.size() > 1) shape.pop_back();
  shape += ")";
  if (count != data.size())
    throw Error(path + ": " + std::to_string(data.size()) + " values do not fill shape " + shape);
  struct stat st {};
  if (!overwrite && stat(path.c_str(), &st) == 0)
    throw Error(path + ": already exists; not overwriting it (pass --overwrite to replace it)");
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  const std::string tmp = path + ".tmp-mobilevk";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(path + ": cannot create " + tmp);
    const uint16_t len = uint16_t(header.size());
    f.write("\x93NUMPY\x01\x00", 8);
    f.put(char(len & 0xff));
    f.put(char(len >> 8));
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size() * 4));
    if (!f.flush()) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot move the finished file into place");
  }
}

}  // namespace mobilevk
