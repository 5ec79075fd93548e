#include <cmath>

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

HostTensor softmax(const HostTensor& in) {
  const Shape& s = in.shape;
  if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
    throw Error("Softmax: input shape " + s.str() + " has a non-positive dimension");
  HostTensor out(s);
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        double m = in.at(n, y, x, 0);
        for (int c = 1; c < s.c; ++c) m = std::max(m, double(in.at(n, y, x, c)));
        double sum = 0.0;
        for (int c = 0; c < s.c; ++c) sum += std::exp(double(in.at(n, y, x, c)) - m);
        for (int c = 0; c < s.c; ++c) out.at(n, y, x, c) = float(std::exp(double(in.at(n, y, x, c)) - m) / sum);
      }
  return out;
}

HostTensor runSoftmax(const Node&, const HostInputs& inputs) { return softmax(*inputs.at(0)); }

// TFLite's quantized SOFTMAX (its optimized kernel, beta 1): exp from a 256-entry float table indexed
// by the distance to the row's maximum, a float sum in channel order, each output rounded onto the
// output grid (scale 1/256): uint8 by adding 0.5 and truncating, int8 by rounding half away from 0.
QuantizedTensor runIntegerSoftmax(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  float table[256];
  const float scale = -q.input.scale;  // * beta (1)
  for (int v = 0; v <= 255; ++v) table[255 - v] = std::exp(scale * float(v));
  const Shape& s = in.shape;
  QuantizedTensor out(s, q.output);
  const int32_t lo = q.output.qmin(), hi = q.output.qmax();
  for (int n = 0; n < s.n; ++n)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        int32_t m = in.at(n, y, x, 0);
        for (int c = 1; c < s.c; ++c) m = std::max(m, in.at(n, y, x, c));
        const float* row = &table[255 - m];
        float sum = 0.0f;
        for (int c = 0; c < s.c; ++c) sum += row[in.at(n, y, x, c)];
        const float inv = 1.0f / (sum * q.output.scale);
        for (int c = 0; c < s.c; ++c) {
          const float p = row[in.at(n, y, x, c)] * inv;
          const int32_t v = q.output.type == QuantType::UInt8 ? int32_t(p + 0.5f)
                                                              : int32_t(std::round(p)) + q.output.zeroPoint;
          out.at(n, y, x, c) = std::min(std::max(v, lo), hi);
        }
      }
  return out;
}

}  // namespace mobilevk::cpu
