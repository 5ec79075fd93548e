// Detections from a detector's outputs, and drawing them (the public mobilevk/detection.h).
#include "mobilevk/detection.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "canvas.h"
#include "mobilevk/error.h"

#include <stb/stb_easy_font.h>

namespace mobilevk {

std::vector<Detection> detectionsFromOutputs(const std::vector<HostTensor>& outputs, float scoreThreshold) {
  if (outputs.size() != 4)
    throw Error(ErrorCode::InvalidArgument, "a detector has 4 outputs (boxes, classes, scores, count), got " + std::to_string(outputs.size()));
  const size_t slots = outputs[1].data.size();
  if (outputs[0].data.size() != slots * 4 || outputs[2].data.size() != slots || outputs[3].data.size() != 1)
    throw Error(ErrorCode::InvalidArgument, "detector outputs of " + std::to_string(outputs[0].data.size()) + " box values, " +
                std::to_string(slots) + " classes, " + std::to_string(outputs[2].data.size()) + " scores and " +
                std::to_string(outputs[3].data.size()) + " counts do not fit (expected 4 D, D, D and 1)");
  const float count = outputs[3].data[0];
  if (!(count >= 0) || count > float(slots))
    throw Error(ErrorCode::InvalidArgument, "detector output count " + std::to_string(count) + " is not in [0, " + std::to_string(slots) + "]");
  std::vector<Detection> out;
  for (size_t i = 0; i < size_t(count); ++i) {
    const float score = outputs[2].data[i];
    if (!(score >= scoreThreshold)) continue;
    const float* b = &outputs[0].data[i * 4];
    out.push_back({int(outputs[1].data[i]), score, b[0], b[1], b[2], b[3]});
  }
  return out;
}

void detectionColour(int classId, uint8_t rgb[3]) {
  // Well-separated hues by the golden angle, bright and saturated enough to stand out on photos.
  const float hue = std::fmod(float(classId) * 137.508f, 360.0f) / 60.0f;
  const float x = 1.0f - std::fabs(std::fmod(hue, 2.0f) - 1.0f);
  float r = 0, g = 0, b = 0;
  switch (int(hue)) {
    case 0: r = 1, g = x; break;
    case 1: r = x, g = 1; break;
    case 2: g = 1, b = x; break;
    case 3: g = x, b = 1; break;
    case 4: r = x, b = 1; break;
    default: r = 1, b = x; break;
  }
  rgb[0] = uint8_t(40 + 215 * r);
  rgb[1] = uint8_t(40 + 215 * g);
  rgb[2] = uint8_t(40 + 215 * b);
}

namespace {
int toPixel(float v, int size) { return int(std::lround(std::min(std::max(v, 0.0f), 1.0f) * float(size - 1))); }

// stb_easy_font gives each glyph stroke as a quad of four vertices (x, y, z, colour): axis-aligned
// rectangles, filled here at `scale` pixels per font unit.
void text(const Canvas& c, int x, int y, const std::string& s, int scale, const uint8_t rgb[3]) {
  std::vector<char> buffer(s.size() * 300 + 300);
  std::string copy = s;
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer.data(), int(buffer.size()));
  const float* v = reinterpret_cast<const float*>(buffer.data());
  for (int q = 0; q < quads; ++q) {
    const float* quad = v + q * 16;  // 4 vertices of 4 floats
    const float x0 = quad[0], y0 = quad[1], x1 = quad[8], y1 = quad[9];
    c.fill(x + int(x0 * float(scale)), y + int(y0 * float(scale)), x + int(x1 * float(scale)), y + int(y1 * float(scale)), rgb);
  }
}
}  // namespace

void drawDetections(uint8_t* pixels, int width, int height, int channels, const std::vector<Detection>& detections,
                    const std::vector<std::string>& labels) {
  if (!pixels || width <= 0 || height <= 0 || (channels != 3 && channels != 4))
    throw Error(ErrorCode::InvalidArgument, "drawDetections: " + std::to_string(width) + "x" + std::to_string(height) + " pixels of " +
                std::to_string(channels) + " channels (expected 3 or 4)");
  const Canvas c{pixels, width, height, channels};
  const int line = std::max(2, std::min(width, height) / 200);
  const int scale = std::max(1, std::min(width, height) / 300);
  const uint8_t black[3] = {0, 0, 0};
  for (const Detection& d : detections) {
    uint8_t rgb[3];
    detectionColour(d.classId, rgb);
    const int x0 = toPixel(d.xmin, width), x1 = toPixel(d.xmax, width), y0 = toPixel(d.ymin, height), y1 = toPixel(d.ymax, height);
    c.fill(x0, y0, x1 + 1, y0 + line, rgb);
    c.fill(x0, y1 + 1 - line, x1 + 1, y1 + 1, rgb);
    c.fill(x0, y0, x0 + line, y1 + 1, rgb);
    c.fill(x1 + 1 - line, y0, x1 + 1, y1 + 1, rgb);
    char score[16];
    std::snprintf(score, sizeof score, " %.2f", double(d.score));
    const std::string label = (d.classId >= 0 && size_t(d.classId) < labels.size() ? labels[size_t(d.classId)] : "class " + std::to_string(d.classId)) + score;
    std::string copy = label;
    const int tw = stb_easy_font_width(copy.data()) * scale + 4, th = 10 * scale + 2;
    const int ty = y0 - th >= 0 ? y0 - th : y0 + line;  // above the box, or inside it at the top edge
    c.fill(x0, ty, x0 + tw, ty + th, rgb);
    text(c, x0 + 2, ty + 1 + scale, label, scale, black);
  }
}

void drawDetections(Image& image, const std::vector<Detection>& detections, const std::vector<std::string>& labels) {
  if (image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error(ErrorCode::InvalidArgument, "drawDetections: the image's pixels do not match its size");
  drawDetections(image.rgb.data(), image.width, image.height, 3, detections, labels);
}

}  // namespace mobilevk
