#pragma once
// Drawing onto the caller's 8-bit pixels (detection boxes, pose skeletons): rows of
// width * channels bytes, RGB first; everything drawn is clipped to the image.
#include <algorithm>
#include <cstddef>
#include <cmath>
#include <cstdint>

namespace mobilevk {

struct Canvas {
  uint8_t* pixels;
  int width, height, channels;

  void set(int x, int y, const uint8_t rgb[3]) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    uint8_t* p = pixels + (size_t(y) * size_t(width) + size_t(x)) * size_t(channels);
    p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2];
  }
  void fill(int x0, int y0, int x1, int y1, const uint8_t rgb[3]) const {  // [x0, x1) x [y0, y1)
    x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, width), y1 = std::min(y1, height);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) set(x, y, rgb);
  }
  // Every pixel whose centre lies within `radius` of (cx, cy).
  void disc(float cx, float cy, float radius, const uint8_t rgb[3]) const {
    const int x0 = int(cx - radius) - 1, x1 = int(cx + radius) + 1, y0 = int(cy - radius) - 1, y1 = int(cy + radius) + 1;
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const float dx = float(x) + 0.5f - cx, dy = float(y) + 0.5f - cy;
        if (dx * dx + dy * dy <= radius * radius) set(x, y, rgb);
      }
  }
  // A segment `thickness` pixels wide: discs stamped along it at most half a pixel apart.
  void line(float xa, float ya, float xb, float yb, float thickness, const uint8_t rgb[3]) const {
    const float length = std::max(std::abs(xb - xa), std::abs(yb - ya));
    const int steps = std::max(1, int(length * 2.0f));
    for (int i = 0; i <= steps; ++i) {
      const float t = float(i) / float(steps);
      disc(xa + (xb - xa) * t, ya + (yb - ya) * t, thickness * 0.5f, rgb);
    }
  }
};

}  // namespace mobilevk
