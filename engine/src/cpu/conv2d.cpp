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
          forEachTap(w, g, s, oy, ox, [&](int iy, int ix, int ky, int kx) {
            const float* wrow = &d.weights[((size_t(o) * w.kernelH + ky) * w.kernelW + kx) * s.c];
            for (int i = 0; i < s.c; ++i) acc += double(wrow[i]) * in.at(n, iy, ix, i);
          });
          out.at(n, oy, ox, o) = activate(acc, d.activation);
        }
  return out;
}

HostTensor runConv2D(const Node& node, const HostInputs& inputs) { return conv2d(*inputs.at(0), node.conv()); }

QuantizedTensor runIntegerConv2D(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const ConvDesc& d = node.conv();
  checkInputChannels(d, ConvKind::Standard, in.shape);
  const auto g = resolveWindow("Conv2D '" + d.name + "'", in.shape, d.window);
  const auto& w = d.window;
  const Shape& s = in.shape;
  const std::vector<float> scales = q.requantizationScales(d.outChannels, node.name);
  QuantizedTensor out({s.n, g.outH, g.outW, d.outChannels}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int o = 0; o < d.outChannels; ++o) {
          const int32_t wz = q.weightZeroPointOf(o);
          int32_t acc = q.bias.empty() ? 0 : q.bias[o];
          forEachTap(w, g, s, oy, ox, [&](int iy, int ix, int ky, int kx) {
            const int32_t* wrow = &q.weights[((size_t(o) * w.kernelH + ky) * w.kernelW + kx) * s.c];
            for (int i = 0; i < s.c; ++i) acc += (in.at(n, iy, ix, i) - q.input.zeroPoint) * (wrow[i] - wz);
          });
          out.at(n, oy, ox, o) = requantize(acc, scales[o], q.output.zeroPoint, q.activationMin, q.activationMax);
        }
  return out;
}

}  // namespace mobilevk::cpu
