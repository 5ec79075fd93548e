#include "ops/gpu_op_table.h"

#include "mobilevk/error.h"
#include "ops/conv2d.h"
#include "ops/depthwise_conv.h"
#include "ops/fully_connected.h"
#include "ops/global_avg_pool.h"
#include "ops/pointwise_conv.h"
#include "ops/softmax.h"

namespace mobilevk {

namespace {

using Weights = std::shared_ptr<const PackedWeights>;

template <class Op>
std::unique_ptr<GpuOp> weighted(Gpu& gpu, Precision, const Weights& w) { return std::make_unique<Op>(gpu, w); }
template <class Op>
std::unique_ptr<GpuOp> weightless(Gpu& gpu, Precision p, const Weights&) { return std::make_unique<Op>(gpu, p); }

struct GpuOpRow {
  NodeKind kind;
  std::unique_ptr<GpuOp> (*make)(Gpu& gpu, Precision precision, const Weights& weights);
};

// In NodeKind order, one row per kind (checked below).
const GpuOpRow kRows[] = {
    {NodeKind::Conv2D, weighted<Conv2D>},
    {NodeKind::DepthwiseConv, weighted<DepthwiseConv>},
    {NodeKind::PointwiseConv, weighted<PointwiseConv>},
    {NodeKind::FullyConnected, weighted<FullyConnected>},
    {NodeKind::GlobalAvgPool, weightless<GlobalAvgPool>},
    {NodeKind::Softmax, weightless<Softmax>},
};
static_assert(sizeof(kRows) / sizeof(kRows[0]) == kNodeKindCount, "one GPU row per NodeKind");

}  // namespace

std::unique_ptr<GpuOp> makeGpuOp(Gpu& gpu, const Node& node, Precision precision, const Weights& weights) {
  const size_t i = size_t(node.kind);
  if (i >= kNodeKindCount || kRows[i].kind != node.kind)
    throw Error(ErrorCode::Internal, "no GPU op for node kind " + std::to_string(i));
  return kRows[i].make(gpu, precision, weights);
}

}  // namespace mobilevk
