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

HostTensor runSoftmax(const Node&, const HostTensor& in) { return softmax(in); }

}  // namespace mobilevk::cpu
