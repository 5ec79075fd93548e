#include "cpu/reference.h"

namespace mobilevk::cpu {

HostTensor conv2d(const HostTensor& in, const ConvDesc& d) {
  validateConvDesc(d, ConvKind::Standard);
  checkInputChannels(d, ConvKind::Standard, in.shape);
  const auto g = resolveWindow("Conv2D '" + d.name + "'", in.shape, d.window);
  const auto& w = d.window;
  const Shape& s = in.shape;
  HostTensor out({s.n, g.outH, g.outW, d.outChannels});
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int o = 0; o < d.outChannels; ++o) {
          double acc = d.bias.empty() ? 0.0 : d.bias[o];
          for (int ky = 0; ky < w.kernelH; ++ky) {
            const int iy = oy * w.strideY - g.padTop + ky;
            if (iy < 0 || iy >= s.h) continue;  // zero padding
            for (int kx = 0; kx < w.kernelW; ++kx) {
              const int ix = ox * w.strideX - g.padLeft + kx;
              if (ix < 0 || ix >= s.w) continue;
              const float* wrow = &d.weights[((size_t(o) * w.kernelH + ky) * w.kernelW + kx) * s.c];
              for (int i = 0; i < s.c; ++i) acc += double(wrow[i]) * in.at(n, iy, ix, i);
            }
          }
          out.at(n, oy, ox, o) = activate(acc, d.activation);
        }
  return out;
}

HostTensor runConv2D(const Node& node, const HostTensor& in) { return conv2d(in, node.conv); }

}  // namespace mobilevk::cpu
