#include "cpu/reference.h"

namespace mobilevk::cpu {

HostTensor pointwiseConv(const HostTensor& in, const ConvDesc& d) {
  validateConvDesc(d, ConvKind::Pointwise);
  checkInputChannels(d, ConvKind::Pointwise, in.shape);
  const Shape& s = in.shape;
  HostTensor out({s.n, s.h, s.w, d.outChannels});
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int o = 0; o < d.outChannels; ++o) {
          double acc = d.bias.empty() ? 0.0 : d.bias[o];
          const float* wrow = &d.weights[size_t(o) * s.c];
          for (int i = 0; i < s.c; ++i) acc += double(wrow[i]) * in.at(n, y, x, i);
          out.at(n, y, x, o) = activate(acc, d.activation);
        }
  return out;
}

HostTensor runPointwiseConv(const Node& node, const HostInputs& inputs) { return pointwiseConv(*inputs.at(0), node.conv()); }

QuantizedTensor runIntegerPointwiseConv(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const ConvDesc& d = node.conv();
  checkInputChannels(d, ConvKind::Pointwise, in.shape);
  const Shape& s = in.shape;
  const std::vector<float> scales = q.requantizationScales(d.outChannels, node.name);
  QuantizedTensor out({s.n, s.h, s.w, d.outChannels}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        for (int o = 0; o < d.outChannels; ++o) {
          const int32_t wz = q.weightZeroPointOf(o);
          const int32_t* wrow = &q.weights[size_t(o) * s.c];
          int32_t acc = q.bias.empty() ? 0 : q.bias[o];
          for (int i = 0; i < s.c; ++i) acc += (in.at(n, y, x, i) - q.input.zeroPoint) * (wrow[i] - wz);
          out.at(n, y, x, o) = requantize(acc, scales[o], q.output.zeroPoint, q.activationMin, q.activationMax);
        }
  return out;
}

}  // namespace mobilevk::cpu
