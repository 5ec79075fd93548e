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

HostTensor runFullyConnected(const Node& node, const HostTensor& in) { return fullyConnected(in, node.conv); }

}  // namespace mobilevk::cpu
