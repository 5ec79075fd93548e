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
          forEachTap(w, g, s, oy, ox, [&](int iy, int ix, int ky, int kx) {
            acc += double(d.weights[(size_t(ky) * w.kernelW + kx) * s.c + c]) * in.at(n, iy, ix, c);
          });
          out.at(n, oy, ox, c) = activate(acc, d.activation);
        }
  return out;
}

HostTensor runDepthwiseConv(const Node& node, const HostInputs& inputs) { return depthwiseConv(*inputs.at(0), node.conv()); }

QuantizedTensor runIntegerDepthwiseConv(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const ConvDesc& d = node.conv();
  checkInputChannels(d, ConvKind::Depthwise, in.shape);
  const auto g = resolveWindow("DepthwiseConv '" + d.name + "'", in.shape, d.window);
  const auto& w = d.window;
  const Shape& s = in.shape;
  const std::vector<float> scales = q.requantizationScales(d.outChannels, node.name);
  QuantizedTensor out({s.n, g.outH, g.outW, s.c}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < g.outH; ++oy)
      for (int ox = 0; ox < g.outW; ++ox)
        for (int c = 0; c < s.c; ++c) {
          const int32_t wz = q.weightZeroPointOf(c);
          int32_t acc = q.bias.empty() ? 0 : q.bias[c];
          forEachTap(w, g, s, oy, ox, [&](int iy, int ix, int ky, int kx) {
            acc += (in.at(n, iy, ix, c) - q.input.zeroPoint) * (q.weights[(size_t(ky) * w.kernelW + kx) * s.c + c] - wz);
          });
          out.at(n, oy, ox, c) = requantize(acc, scales[c], q.output.zeroPoint, q.activationMin, q.activationMax);
        }
  return out;
}

}  // namespace mobilevk::cpu
