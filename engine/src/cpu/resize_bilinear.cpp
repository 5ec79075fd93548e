#include "cpu/reference.h"
#include "graph/params.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
struct Taps {
  std::vector<ResizeTap> y, x;
};
Taps tapsOf(const Node& node, const Shape& in) {
  const ResizeParams& p = node.resize();
  return {resizeTaps(in.h, p.height, p.alignCorners, p.halfPixelCenters), resizeTaps(in.w, p.width, p.alignCorners, p.halfPixelCenters)};
}
Shape resized(const Node& node, const Shape& in) { return opKind(node.kind).outputShapes(node, {in}).at(0); }

// Sets every output element to blend(top-left, top-right, bottom-left, bottom-right, x tap, y tap).
template <class Tensor, class Blend>
void resizeInto(Tensor& out, const Tensor& in, const Taps& t, Blend blend) {
  for (int n = 0; n < out.shape.n; ++n)
    for (int y = 0; y < out.shape.h; ++y)
      for (int x = 0; x < out.shape.w; ++x)
        for (int c = 0; c < out.shape.c; ++c) {
          const ResizeTap& ty = t.y[size_t(y)];
          const ResizeTap& tx = t.x[size_t(x)];
          out.at(n, y, x, c) = blend(in.at(n, ty.first, tx.first, c), in.at(n, ty.first, tx.second, c), in.at(n, ty.second, tx.first, c),
                                     in.at(n, ty.second, tx.second, c), tx, ty);
        }
}
}  // namespace

// Bilinear blend of the four neighbours, in double: top and bottom rows along x, then along y.
HostTensor runResizeBilinear(const Node& node, const HostInputs& inputs) {
  const HostTensor& in = *inputs.at(0);
  const Taps t = tapsOf(node, in.shape);
  HostTensor out(resized(node, in.shape));
  resizeInto(out, in, t, [](double tl, double tr, double bl, double br, const ResizeTap& tx, const ResizeTap& ty) {
    const double top = tl + (tr - tl) * tx.alpha, bottom = bl + (br - bl) * tx.alpha;
    return float(top + (bottom - top) * ty.alpha);
  });
  return out;
}

// XNNPACK's 8-bit bilinear (u8/s8 ibilinear): 11-bit weights, the horizontal blends kept in Q11,
// the vertical in Q22, rounded by adding 2^21 and shifting right 22 (arithmetic), on one grid.
QuantizedTensor runIntegerResizeBilinear(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireSameGrid(q, "ResizeBilinear '" + node.name + "'");
  const Taps t = tapsOf(node, in.shape);
  QuantizedTensor out(resized(node, in.shape), q.output);
  resizeInto(out, in, t, [](int32_t tl, int32_t tr, int32_t bl, int32_t br, const ResizeTap& tx, const ResizeTap& ty) {
    const int32_t top = tl * 2048 + (tr - tl) * tx.alphaQ11;
    const int32_t bottom = bl * 2048 + (br - bl) * tx.alphaQ11;
    const int32_t acc = top * 2048 + (bottom - top) * ty.alphaQ11;
    return (acc + (1 << 21)) >> 22;  // arithmetic shift (C++20 defines it; GCC always has)
  });
  return out;
}

}  // namespace mobilevk::cpu
