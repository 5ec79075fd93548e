#include "mobilevk/image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "import/importers.h"
#include "io/file_io.h"
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

// Walks a JPEG's marker segments the way stb_image meets them, for two checks stb does not make:
//  * Huffman tables declaring more than 256 codes are refused: Debian's stb_image (2022) indexes past its
//    257-entry table on those (found by fuzzing; newer stb rejects them too). Where the walk and stb could
//    part ways it errs towards looking at more bytes, never fewer: stb reads a DHT's tables while the
//    declared length is positive, even when a table's counts run past the segment (or past the end of the
//    file, where stb reads zeros).
//  * A file cut short is refused: stb decodes missing scan data as zeros. The scans end with EOI (FF D9),
//    which entropy-coded data never contains (an FF there is followed by 00 or a restart marker), so a walk
//    that runs out of bytes before EOI, or meets a segment longer than the rest of the file, was cut.
// Only segment headers are read; decoding stays stb's.
void checkJpegMarkers(const uint8_t* data, size_t size, size_t pos, const std::string& what) {
  bool sawScan = false;
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
    if (marker == 0xD9) return;  // EOI: stb stops reading here (before any scan, stb reports no image)
    const auto byteAt = [&](size_t i) -> size_t { return i < size ? data[i] : 0; };
    const size_t length = byteAt(pos + 2) << 8 | byteAt(pos + 3);
    if (marker == 0xC4) {  // DHT: tables of (class/id, 16 counts, values) while length remains
      const size_t end = pos + 2 + length;
      for (size_t p = pos + 4; p < end && p < size;) {
        size_t codes = 0;
        for (size_t i = 1; i <= 16; ++i) codes += byteAt(p + i);
        if (codes > 256) throw Error(ErrorCode::InvalidArgument, what + ": corrupt JPEG (a Huffman table declares " + std::to_string(codes) + " codes)");
        p += 17 + codes;
      }
    }
    if (marker == 0xDA) sawScan = true;
    if (length < 2) return;              // stb fails on this segment itself
    if (pos + 2 + length > size) break;  // the segment runs past the end of the file
    pos += 2 + length;
  }
  if (sawScan)
    throw Error(ErrorCode::InvalidArgument, what + ": truncated JPEG: the image data ends (" + std::to_string(size) +
                                                " bytes) without its end-of-image marker");
  throw Error(ErrorCode::InvalidArgument, what + ": truncated JPEG: the file (" + std::to_string(size) + " bytes) ends inside its headers");
}

// stb_image decodes a file whose data stops early as if the rest were zeros (a 54-byte BMP header
// claiming 16384x16384 becomes a 1.6 GB black picture). Each format's own structure says how much
// data must follow, so a file cut short is refused before decoding.
void checkBmpComplete(const uint8_t* d, size_t size, const std::string& what) {
  auto le = [&](size_t at, int bytes) -> uint64_t {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | (at + size_t(i) < size ? d[at + size_t(i)] : 0);
    return v;
  };
  if (size < 26) throw Error(ErrorCode::InvalidArgument, what + ": truncated BMP (" + std::to_string(size) + " bytes, shorter than its headers)");
  const uint64_t dataOffset = le(10, 4), infoSize = le(14, 4);
  int64_t width, height;
  uint64_t bpp, compression = 0;
  if (infoSize == 12) {  // BITMAPCOREHEADER
    width = int16_t(le(18, 2));
    height = int16_t(le(20, 2));
    bpp = le(24, 2);
  } else {
    if (size < 34) throw Error(ErrorCode::InvalidArgument, what + ": truncated BMP (" + std::to_string(size) + " bytes, shorter than its headers)");
    width = int32_t(le(18, 4));
    height = int32_t(le(22, 4));
    bpp = le(28, 2);
    compression = le(30, 4);
  }
  if (compression != 0 && compression != 3 && compression != 6) return;  // RLE etc.: stb refuses these itself
  if (width <= 0 || height == 0 || bpp == 0 || bpp > 32) return;         // stb refuses these itself
  const uint64_t rowBytes = (uint64_t(width) * bpp + 31) / 32 * 4;
  const uint64_t need = dataOffset + rowBytes * uint64_t(height < 0 ? -height : height);
  if (need > size)
    throw Error(ErrorCode::InvalidArgument, what + ": truncated BMP: its header describes " + std::to_string(width) + "x" +
                std::to_string(height < 0 ? -height : height) + " pixels at " + std::to_string(bpp) + " bits, " +
                std::to_string(need) + " bytes, but the file has " + std::to_string(size));
}

void checkPngComplete(const uint8_t* d, size_t size, const std::string& what) {
  size_t pos = 8;  // after the signature
  while (pos + 8 <= size) {
    const uint64_t length = uint64_t(d[pos]) << 24 | uint64_t(d[pos + 1]) << 16 | uint64_t(d[pos + 2]) << 8 | d[pos + 3];
    const std::string type(reinterpret_cast<const char*>(d + pos + 4), 4);
    if (pos + 12 + length > size)
      throw Error(ErrorCode::InvalidArgument, what + ": truncated PNG: chunk '" + type + "' declares " + std::to_string(length) +
                  " bytes, past the end of the file (" + std::to_string(size) + " bytes)");
    if (type == "IEND") return;
    pos += 12 + size_t(length);
  }
  throw Error(ErrorCode::InvalidArgument, what + ": truncated PNG: the file (" + std::to_string(size) + " bytes) ends before its IEND chunk");
}

}  // namespace

Image decodeImage(const uint8_t* data, size_t size, const std::string& what) {
  if (size == 0) throw Error(ErrorCode::InvalidArgument, what + ": empty file, not an image");
  if (const size_t body = jpegBodyOffset(data, size)) checkJpegMarkers(data, size, body, what);
  if (size >= 8 && std::memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) checkPngComplete(data, size, what);
  if (size >= 2 && data[0] == 'B' && data[1] == 'M') checkBmpComplete(data, size, what);
  if (size > (1u << 30)) throw Error(ErrorCode::InvalidArgument, what + ": larger than 1 GiB");
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(data, int(size), &w, &h, &comp))
    throw Error(ErrorCode::InvalidArgument, what + ": not a readable JPEG, PNG or BMP image (" + stbi_failure_reason() + ")");
  const uint64_t pixelCount = uint64_t(w) * uint64_t(h);
  if (w <= 0 || h <= 0 || pixelCount > (1ull << 28))
    throw Error(ErrorCode::InvalidArgument, what + ": image size " + std::to_string(w) + "x" + std::to_string(h) + " is over mobilevk's limit of " +
                std::to_string(1ull << 28) + " pixels (16384x16384)");
  // stb_image holds the decoded image (in the file's channels and sample size, then as RGB) in
  // buffers indexed by int: past 2 GiB it fails with a misleading reason, so say what it is.
  const uint64_t sampleBytes = stbi_is_16_bit_from_memory(data, int(size)) ? 2 : 1;
  const uint64_t decodeBytes = pixelCount * uint64_t(std::max(comp, 3)) * sampleBytes + uint64_t(h);
  if (decodeBytes > uint64_t(INT32_MAX))
    throw Error(ErrorCode::InvalidArgument, what + ": a " + std::to_string(w) + "x" + std::to_string(h) + " image with " + std::to_string(comp) +
                " channels of " + std::to_string(8 * sampleBytes) + " bits needs " + std::to_string((decodeBytes + (1u << 20) - 1) >> 20) +
                " MiB to decode, over the decoder's limit of 2048 MiB");
  unsigned char* pixels = stbi_load_from_memory(data, int(size), &w, &h, &comp, 3);
  if (!pixels) throw Error(ErrorCode::InvalidArgument, what + ": cannot decode image (" + stbi_failure_reason() + ")");
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels, pixels + size_t(w) * h * 3);
  stbi_image_free(pixels);
  return img;
}

Image loadImage(const std::string& path) {
  const auto bytes = readRegularFile(path, 1ull << 30);
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
  if (width <= 0 || height <= 0) throw Error(ErrorCode::InvalidArgument, "resize to " + std::to_string(width) + "x" + std::to_string(height) + " is invalid");
  if (src.width <= 0 || src.height <= 0 || src.rgb.size() != size_t(src.width) * src.height * 3)
    throw Error(ErrorCode::InvalidArgument, "resize: the source image is empty or inconsistent");
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
  if (images.empty()) throw Error(ErrorCode::InvalidArgument, "no images given");
  if (spec.channels != 3)
    throw Error(ErrorCode::InvalidArgument, "the model takes " + std::to_string(spec.channels) + "-channel input; images give 3 (RGB)");
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

}  // namespace mobilevk
