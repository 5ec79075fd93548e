#include <algorithm>
#include <cfloat>

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

// TensorFlow's rule: positions in the padding are skipped (padding never wins the max); a window
// with no position inside the input (impossible with SAME or VALID) gives the lowest float.
HostTensor runMaxPool2D(const Node& node, const HostInputs& inputs) {
  const HostTensor& in = *inputs.at(0);
  const Shape& s = in.shape;
  const WindowParams& w = node.pool().window;
  const WindowGeometry g = resolveWindow(node.name, s, w);
  HostTensor out({s.n, g.outH, g.outW, s.c});
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int c = 0; c < s.c; ++c) {
          float m = -FLT_MAX;
          forEachTap(w, g, s, oy, ox, [&](int y, int x, int, int) { m = std::max(m, in.at(n, y, x, c)); });
          out.at(n, oy, ox, c) = activate(m, node.pool().activation);
        }
  return out;
}

// Integer max pooling: the largest stored value of the window (the file keeps the input's
// quantization on the output), then the activation range.
QuantizedTensor runIntegerMaxPool2D(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireSameGrid(q, node.name);
  const Shape& s = in.shape;
  const WindowParams& w = node.pool().window;
  const WindowGeometry g = resolveWindow(node.name, s, w);
  QuantizedTensor out({s.n, g.outH, g.outW, s.c}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int c = 0; c < s.c; ++c) {
          int32_t m = q.input.qmin();
          forEachTap(w, g, s, oy, ox, [&](int y, int x, int, int) { m = std::max(m, in.at(n, y, x, c)); });
          out.at(n, oy, ox, c) = std::min(std::max(m, q.activationMin), q.activationMax);
        }
  return out;
}

}  // namespace mobilevk::cpu
