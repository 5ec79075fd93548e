#include "cpu/reference.h"

namespace mobilevk::cpu {

HostTensor depthwiseConv(const HostTensor& in, const ConvDesc& d) {
  validateConvDesc(d, ConvKind::Depthwise);
  checkInputChannels(d, ConvKind::Depthwise, in.shape);
  const auto g = resolveWindow("DepthwiseConv '" + d.name + "'", in.shape, d.window);
  const auto& w = d.window;
  const Shape& s = in.shape;
  HostTensor out({s.n, g.outH, g.outW, s.c});
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int c = 0; c < s.c; ++c) {
          double acc = d.bias.empty() ? 0.0 : d.bias[c];
          for (int ky = 0; ky < w.kernelH; ++ky) {
            const int iy = oy * w.strideY - g.padTop + ky;
            if (iy < 0 || iy >= s.h) continue;
            for (int kx = 0; kx < w.kernelW; ++kx) {
              const int ix = ox * w.strideX - g.padLeft + kx;
              if (ix < 0 || ix >= s.w) continue;
              acc += double(d.weights[(size_t(ky) * w.kernelW + kx) * s.c + c]) * in.at(n, iy, ix, c);
            }
          }
          out.at(n, oy, ox, c) = activate(acc, d.activation);
        }
  return out;
}

HostTensor runDepthwiseConv(const Node& node, const HostTensor& in) { return depthwiseConv(in, node.conv); }

}  // namespace mobilevk::cpu
