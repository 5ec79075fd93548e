#include "graph/op_table.h"

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

Shape convShape(const Node& n, const Shape& in) { return convOutputShape(n.conv, *opKind(n.kind).conv, in); }
Shape pooledShape(const Node&, const Shape& in) { return {in.n, 1, 1, in.c}; }
Shape sameShape(const Node&, const Shape& in) { return in; }

template <HostTensor (*F)(const HostTensor&, const ConvDesc&)>
HostTensor withWeights(const Node& n, const HostTensor& in) { return F(in, n.conv); }
template <HostTensor (*F)(const HostTensor&)>
HostTensor withoutWeights(const Node&, const HostTensor& in) { return F(in); }

// In NodeKind order (checked below).
const OpKindInfo kTable[] = {
    {NodeKind::Conv2D, "Conv2D", ConvKind::Standard, convShape, withWeights<cpu::conv2d>},
    {NodeKind::DepthwiseConv, "DepthwiseConv", ConvKind::Depthwise, convShape, withWeights<cpu::depthwiseConv>},
    {NodeKind::PointwiseConv, "PointwiseConv", ConvKind::Pointwise, convShape, withWeights<cpu::pointwiseConv>},
    {NodeKind::FullyConnected, "FullyConnected", ConvKind::FullyConnected, convShape, withWeights<cpu::fullyConnected>},
    {NodeKind::GlobalAvgPool, "GlobalAvgPool", std::nullopt, pooledShape, withoutWeights<cpu::globalAvgPool>},
    {NodeKind::Softmax, "Softmax", std::nullopt, sameShape, withoutWeights<cpu::softmax>},
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == kNodeKindCount, "one row per NodeKind");

}  // namespace

const OpKindInfo& opKind(NodeKind kind) {
  const size_t i = size_t(kind);
  if (i >= kNodeKindCount || kTable[i].kind != kind)
    throw Error(ErrorCode::Internal, "the op table has no row for node kind " + std::to_string(i));
  return kTable[i];
}

}  // namespace mobilevk
