#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

// MEAN over height and width (keep_dims or not: [N,1,1,C] either way) is global average pooling.
HostTensor runMean(const Node&, const HostInputs& inputs) { return globalAvgPool(*inputs.at(0)); }

// graph/quantization.h: meanScale. The output has its own grid (unlike TFLite's AVERAGE_POOL_2D).
QuantizedTensor runIntegerMean(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  const Shape& s = in.shape;
  const int32_t count = s.h * s.w;
  const float scale = meanScale(q.input, q.output, count, node.name);
  QuantizedTensor out({s.n, 1, 1, s.c}, q.output);
  for (int n = 0; n < s.n; ++n)
    for (int c = 0; c < s.c; ++c) {
      int32_t acc = -count * q.input.zeroPoint;
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) acc += in.at(n, y, x, c);
      out.at(n, 0, 0, c) = requantize(acc, scale, q.output.zeroPoint, q.activationMin, q.activationMax);
    }
  return out;
}

}  // namespace mobilevk::cpu
