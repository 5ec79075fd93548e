#pragma once
// Op parameters shared by the GPU ops and their CPU reference twins, and the geometry both derive
// from them (so the two paths cannot disagree about output size or padding).
#include <cfloat>
#include <string>
#include <vector>

#include "mobilevk/tensor.h"

namespace mobilevk {

// Fused activation as a clamp: none, ReLU and ReLU6 are clamps, and so is the ReLU6 that old
// TOCO uint8 models imply through their output range.
struct Activation {
  float min = -FLT_MAX, max = FLT_MAX;
  static Activation none() { return {}; }
  static Activation relu() { return {0.0f, FLT_MAX}; }
  static Activation relu6() { return {0.0f, 6.0f}; }
  static Activation clamp(float lo, float hi) { return {lo, hi}; }
  std::string str() const;
};

struct Padding {
  enum class Kind { Same, Explicit };
  Kind kind = Kind::Explicit;
  int top = 0, bottom = 0, left = 0, right = 0;
  // TF "SAME": output = ceil(input / stride); the total padding goes mostly after
  // (224 -> 112 at stride 2 pads 0 before, 1 after).
  static Padding same() { return {Kind::Same, 0, 0, 0, 0}; }
  // TF "VALID" is explicit zero padding.
  static Padding valid() { return {}; }
  static Padding symmetric(int p) { return {Kind::Explicit, p, p, p, p}; }
  static Padding explicitPads(int top, int bottom, int left, int right) { return {Kind::Explicit, top, bottom, left, right}; }
};

struct WindowParams {
  int kernelH = 1, kernelW = 1;
  int strideY = 1, strideX = 1;
  Padding padding;
  // Dilation (atrous convolution): tap (ky, kx) reads input (y + ky * dilationY, x + kx * dilationX),
  // so the window spans (k - 1) * dilation + 1 pixels, which TF SAME padding and VALID sizes use.
  int dilationY = 1, dilationX = 1;
  int spanH() const { return (kernelH - 1) * dilationY + 1; }
  int spanW() const { return (kernelW - 1) * dilationX + 1; }
  bool dilated() const { return dilationY != 1 || dilationX != 1; }
};

// The resolved window geometry of a convolution or pool on a given input.
struct WindowGeometry {
  int outH = 0, outW = 0;
  int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
};

// RESIZE_BILINEAR's sampling along one axis, as XNNPACK computes it (what LiteRT runs): per output
// index, the two input indices it blends and the weight of the second, in float and as XNNPACK's
// 11-bit fixed point (lrintf(alpha * 2048)). align_corners maps the corners onto each other
// (scale (in - 1) / (out - 1)); without it, half_pixel_centers samples pixel centres, and neither
// is TF's legacy mapping (scale in / out, no offset).
struct ResizeTap {
  int first = 0, second = 0;
  float alpha = 0.0f;
  int alphaQ11 = 0;
};
std::vector<ResizeTap> resizeTaps(int in, int out, bool alignCorners, bool halfPixelCenters);

// Throws mobilevk::Error naming `op` when the window does not fit the input.
WindowGeometry resolveWindow(const std::string& op, const Shape& input, const WindowParams& w);
// The output shape of a window over H and W that keeps the channels (pools).
Shape windowOutputShape(const std::string& op, const Shape& input, const WindowParams& w);

}  // namespace mobilevk
