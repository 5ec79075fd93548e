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

HostTensor runPointwiseConv(const Node& node, const HostTensor& in) { return pointwiseConv(in, node.conv); }

}  // namespace mobilevk::cpu
