#include "mobilevk/segmentation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "mobilevk/error.h"

namespace mobilevk {

namespace {
void requireMap(const IndexTensor& m, int batchIndex, const char* who) {
  if (m.shape.c != 1 || m.data.size() != m.shape.elements() || m.shape.elements() == 0)
    throw Error(ErrorCode::InvalidArgument, std::string(who) + ": a class map is [N, H, W, 1] with N*H*W indices; got " + m.shape.str() +
                " holding " + std::to_string(m.data.size()));
  if (batchIndex < 0 || batchIndex >= m.shape.n)
    throw Error(ErrorCode::InvalidArgument, std::string(who) + ": image " + std::to_string(batchIndex) + " of a map of " +
                std::to_string(m.shape.n));
}
}  // namespace

std::vector<double> classShares(const IndexTensor& classMap, int classes, int batchIndex) {
  requireMap(classMap, batchIndex, "classShares");
  if (classes <= 0) throw Error(ErrorCode::InvalidArgument, "classShares: " + std::to_string(classes) + " classes");
  std::vector<uint64_t> counts(size_t(classes), 0);
  const size_t pixels = size_t(classMap.shape.h) * classMap.shape.w;
  for (size_t i = 0; i < pixels; ++i) {
    const int32_t c = classMap.data[size_t(batchIndex) * pixels + i];
    if (c < 0 || c >= classes)
      throw Error(ErrorCode::InvalidArgument, "classShares: pixel " + std::to_string(i) + " holds class " + std::to_string(c) + ", outside [0, " +
                  std::to_string(classes) + ")");
    ++counts[size_t(c)];
  }
  std::vector<double> shares(counts.size());
  for (size_t c = 0; c < counts.size(); ++c) shares[c] = double(counts[c]) / double(pixels);
  return shares;
}

void segmentationColour(int classId, uint8_t rgb[3]) {
  // Each of the index's bit triplets, lowest first, sets the next lower bit of R, G and B.
  int r = 0, g = 0, b = 0;
  unsigned id = unsigned(classId);
  for (int bit = 7; bit >= 0; --bit, id >>= 3) {
    r |= int(id & 1u) << bit;
    g |= int((id >> 1) & 1u) << bit;
    b |= int((id >> 2) & 1u) << bit;
  }
  rgb[0] = uint8_t(r);
  rgb[1] = uint8_t(g);
  rgb[2] = uint8_t(b);
}

void drawSegmentation(uint8_t* pixels, int width, int height, int channels, const IndexTensor& classMap, float alpha, int batchIndex) {
  requireMap(classMap, batchIndex, "drawSegmentation");
  if (!pixels || width <= 0 || height <= 0 || (channels != 3 && channels != 4))
    throw Error(ErrorCode::InvalidArgument, "drawSegmentation: a " + std::to_string(width) + "x" + std::to_string(height) + " image of " +
                std::to_string(channels) + " channels (expected 3 or 4, and pixels)");
  if (!(alpha >= 0.0f && alpha <= 1.0f)) throw Error(ErrorCode::InvalidArgument, "drawSegmentation: alpha " + std::to_string(alpha) + " outside [0, 1]");
  const int mh = classMap.shape.h, mw = classMap.shape.w;
  for (int y = 0; y < height; ++y) {
    const int my = std::min(mh - 1, int((int64_t(y) * 2 + 1) * mh / (int64_t(height) * 2)));
    for (int x = 0; x < width; ++x) {
      const int mx = std::min(mw - 1, int((int64_t(x) * 2 + 1) * mw / (int64_t(width) * 2)));
      const int32_t c = classMap.at(batchIndex, my, mx, 0);
      if (c == 0) continue;
      uint8_t colour[3];
      segmentationColour(c, colour);
      uint8_t* p = pixels + (size_t(y) * size_t(width) + size_t(x)) * size_t(channels);
      for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::lround(float(p[k]) * (1.0f - alpha) + float(colour[k]) * alpha));
    }
  }
}

void drawSegmentation(Image& image, const IndexTensor& classMap, float alpha, int batchIndex) {
  if (image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error(ErrorCode::InvalidArgument, "drawSegmentation: the image's pixels do not fill " + std::to_string(image.width) + "x" +
                std::to_string(image.height));
  drawSegmentation(image.rgb.data(), image.width, image.height, 3, classMap, alpha, batchIndex);
}

std::vector<ClassShare> classesByShare(const IndexTensor& classMap, int classes, int batchIndex) {
  const std::vector<double> shares = classShares(classMap, classes, batchIndex);
  std::vector<ClassShare> present;
  for (int c = 0; c < classes; ++c)
    if (shares[size_t(c)] > 0) present.push_back({c, shares[size_t(c)]});
  std::stable_sort(present.begin(), present.end(), [](const ClassShare& a, const ClassShare& b) { return a.share > b.share; });
  return present;
}

}  // namespace mobilevk
