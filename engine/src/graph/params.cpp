#include "graph/params.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mobilevk/error.h"

namespace mobilevk {

std::string Activation::str() const {
  if (min == -FLT_MAX && max == FLT_MAX) return "none";
  if (min == 0.0f && max == FLT_MAX) return "relu";
  if (min == 0.0f && max == 6.0f) return "relu6";
  return "clamp(" + std::to_string(min) + "," + std::to_string(max) + ")";
}

namespace {
void resolveAxis(const std::string& op, const char* axis, int in, int k, int stride, const Padding& p, bool first,
                 int& out, int& before, int& after) {
  if (p.kind == Padding::Kind::Same) {
    out = (in + stride - 1) / stride;
    const int total = std::max((out - 1) * stride + k - in, 0);
    before = total / 2;
    after = total - before;
  } else {
    before = first ? p.top : p.left;
    after = first ? p.bottom : p.right;
    if (before < 0 || after < 0)
      throw Error(op + ": negative padding " + std::to_string(before) + "/" + std::to_string(after) + " on " + axis);
    const int padded = in + before + after;
    if (k > padded)
      throw Error(op + ": kernel " + axis + " " + std::to_string(k) + " is larger than the padded input " + axis + " " +
                  std::to_string(padded) + " (input " + std::to_string(in) + " + padding " + std::to_string(before) +
                  "+" + std::to_string(after) + ")");
    out = (padded - k) / stride + 1;
  }
  // A window lying entirely in padding would read no input at all: reject such padding.
  if (before >= k || after >= k)
    throw Error(op + ": padding " + std::to_string(before) + "/" + std::to_string(after) + " on " + axis +
                " must be smaller than the kernel (" + std::to_string(k) + ")");
}
}  // namespace

WindowGeometry resolveWindow(const std::string& op, const Shape& s, const WindowParams& w) {
  if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
    throw Error(op + ": input shape " + s.str() + " has a non-positive dimension");
  if (w.kernelH <= 0 || w.kernelW <= 0)
    throw Error(op + ": kernel " + std::to_string(w.kernelH) + "x" + std::to_string(w.kernelW) + " must be positive");
  if (w.strideY <= 0 || w.strideX <= 0)
    throw Error(op + ": stride " + std::to_string(w.strideY) + "x" + std::to_string(w.strideX) + " must be positive");
  WindowGeometry g;
  if (w.dilationY <= 0 || w.dilationX <= 0)
    throw Error(op + ": dilation " + std::to_string(w.dilationY) + "x" + std::to_string(w.dilationX) + " must be positive");
  resolveAxis(op, "height", s.h, w.spanH(), w.strideY, w.padding, true, g.outH, g.padTop, g.padBottom);
  resolveAxis(op, "width", s.w, w.spanW(), w.strideX, w.padding, false, g.outW, g.padLeft, g.padRight);
  return g;
}

Shape windowOutputShape(const std::string& op, const Shape& input, const WindowParams& w) {
  const WindowGeometry g = resolveWindow(op, input, w);
  return {input.n, g.outH, g.outW, input.c};
}

}  // namespace mobilevk

namespace mobilevk {

std::vector<ResizeTap> resizeTaps(int in, int out, bool alignCorners, bool halfPixelCenters) {
  if (in <= 0 || out <= 0) throw Error("resize: sizes " + std::to_string(in) + " -> " + std::to_string(out) + " must be positive");
  const int adjustment = alignCorners && out != 1 ? 1 : 0;
  const float scale = float(in - adjustment) / float(out - adjustment);
  const int last = in - 1;
  std::vector<ResizeTap> taps(static_cast<size_t>(out));
  const bool legacy = !halfPixelCenters;
  const float offset = 0.5f * scale - 0.5f;
  for (int o = 0; o < out; ++o) {
    float x = float(o) * scale;
    if (!(legacy || alignCorners)) x = std::min(std::max(x + offset, 0.0f), float(last));
    ResizeTap& t = taps[size_t(o)];
    t.first = int(x);
    t.second = std::min(t.first + 1, last);
    t.alpha = x - float(t.first);
    t.alphaQ11 = int(int16_t(std::lrint(t.alpha * 2048.0f)));
  }
  return taps;
}

}  // namespace mobilevk
