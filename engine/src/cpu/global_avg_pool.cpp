#include <algorithm>

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

HostTensor globalAvgPool(const HostTensor& in) {
  const Shape& s = in.shape;
  if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
    throw Error("GlobalAvgPool: input shape " + s.str() + " has a non-positive dimension");
  HostTensor out({s.n, 1, 1, s.c});
  for (int n = 0; n < s.n; ++n)
    for (int c = 0; c < s.c; ++c) {
      double sum = 0.0;
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) sum += in.at(n, y, x, c);
      out.at(n, 0, 0, c) = float(sum / (double(s.h) * s.w));
    }
  return out;
}

HostTensor runGlobalAvgPool(const Node&, const HostInputs& inputs) { return globalAvgPool(*inputs.at(0)); }

// TFLite's own quantized AVERAGE_POOL_2D: the integer mean of the window, rounded half away from
// zero, on the input's own grid (the file must give the output the input's scale and zero point).
QuantizedTensor runIntegerGlobalAvgPool(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireSameGrid(q, node.name);
  const Shape& s = in.shape;
  const int32_t count = s.h * s.w;
  QuantizedTensor out({s.n, 1, 1, s.c}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int c = 0; c < s.c; ++c) {
      int32_t acc = 0;
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) acc += in.at(n, y, x, c);
      const int32_t mean = acc >= 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
      out.at(n, 0, 0, c) = std::min(std::max(mean, q.activationMin), q.activationMax);
    }
  return out;
}

}  // namespace mobilevk::cpu
