#include <cfloat>

#include "cpu/reference.h"

namespace mobilevk::cpu {

// TensorFlow's rule: positions in the padding are skipped (padding never wins the max); a window
// with no position inside the input (impossible with SAME or VALID) gives the lowest float.
HostTensor runMaxPool2D(const Node& node, const HostTensor& in) {
  const Shape& s = in.shape;
  const WindowParams& w = node.conv.window;
  const WindowGeometry g = resolveWindow(node.name, s, w);
  HostTensor out({s.n, g.outH, g.outW, s.c});
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int c = 0; c < s.c; ++c) {
          float m = -FLT_MAX;
          for (int ky = 0; ky < w.kernelH; ++ky)
            for (int kx = 0; kx < w.kernelW; ++kx) {
              const int y = oy * w.strideY - g.padTop + ky, x = ox * w.strideX - g.padLeft + kx;
              if (y >= 0 && y < s.h && x >= 0 && x < s.w && in.at(n, y, x, c) > m) m = in.at(n, y, x, c);
            }
          out.at(n, oy, ox, c) = activate(m, node.conv.activation);
        }
  return out;
}

}  // namespace mobilevk::cpu
