#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

HostTensor fullyConnected(const HostTensor& in, const ConvDesc& d) {
  validateConvDesc(d, ConvKind::FullyConnected);
  const Shape& s = in.shape;
  if (s.h != 1 || s.w != 1)
    throw Error("FullyConnected '" + d.name + "': input " + s.str() + " must be 1x1 spatially (pool first)");
  checkInputChannels(d, ConvKind::FullyConnected, s);
  HostTensor out({s.n, 1, 1, d.outChannels});
  for (int n = 0; n < s.n; ++n)
    for (int o = 0; o < d.outChannels; ++o) {
      double acc = d.bias.empty() ? 0.0 : d.bias[o];
      for (int i = 0; i < s.c; ++i) acc += double(d.weights[size_t(o) * s.c + i]) * in.at(n, 0, 0, i);
      out.at(n, 0, 0, o) = activate(acc, d.activation);
    }
  return out;
}

HostTensor runFullyConnected(const Node& node, const HostInputs& inputs) { return fullyConnected(*inputs.at(0), node.conv()); }

QuantizedTensor runIntegerFullyConnected(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const ConvDesc& d = node.conv();
  const Shape& s = in.shape;
  if (s.h != 1 || s.w != 1)
    throw Error("FullyConnected '" + d.name + "': input " + s.str() + " must be 1x1 spatially (pool first)");
  checkInputChannels(d, ConvKind::FullyConnected, s);
  const std::vector<float> scales = q.requantizationScales(d.outChannels, node.name);
  QuantizedTensor out({s.n, 1, 1, d.outChannels}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int o = 0; o < d.outChannels; ++o) {
      const int32_t wz = q.weightZeroPointOf(o);
      int32_t acc = q.bias.empty() ? 0 : q.bias[o];
      for (int i = 0; i < s.c; ++i) acc += (in.at(n, 0, 0, i) - q.input.zeroPoint) * (q.weights[size_t(o) * s.c + i] - wz);
      out.at(n, 0, 0, o) = requantize(acc, scales[o], q.output.zeroPoint, q.activationMin, q.activationMax);
    }
  return out;
}

}  // namespace mobilevk::cpu
