#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

namespace {
// TFLite's ARG_MAX over the last axis: the first channel holding the largest value (a later equal
// value does not replace it: the comparison is strict).
template <class In, class Out>
void argMax(const In& in, Out& out) {
  for (int n = 0; n < in.shape.n; ++n)
    for (int y = 0; y < in.shape.h; ++y)
      for (int x = 0; x < in.shape.w; ++x) {
        int best = 0;
        for (int c = 1; c < in.shape.c; ++c)
          if (in.at(n, y, x, c) > in.at(n, y, x, best)) best = c;
        out.at(n, y, x, 0) = static_cast<typename decltype(out.data)::value_type>(best);
      }
}
Shape indexed(const Shape& in) { return {in.n, in.h, in.w, 1}; }
}  // namespace

// The index as a float (exact: channel counts stay far below 2^24).
HostTensor runArgMax(const Node&, const HostInputs& inputs) {
  const HostTensor& in = *inputs.at(0);
  HostTensor out(indexed(in.shape));
  argMax(in, out);
  return out;
}

// The stored values compared (the order of reals on one grid, its scale positive); the index on the
// index grid (graph/quantization.h).
QuantizedTensor runIntegerArgMax(const Node& node, const QuantizedInputs& inputs) {
  const QuantizedTensor& in = *inputs.at(0);
  const QuantizedLayer& q = quantizedLayerOf(node, in);
  requireIndexGrid(q, in.shape.c, "ArgMax '" + node.name + "'");
  QuantizedTensor out(indexed(in.shape), q.output);
  argMax(in, out);
  return out;
}

}  // namespace mobilevk::cpu
