#include "graph/op_table.h"

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

Shape convShape(const Node& n, const std::vector<Shape>& in) { return convOutputShape(n.conv(), *opKind(n.kind).conv, in.at(0)); }
// A window over H and W with the channels kept (pools).
Shape windowShape(const Node& n, const std::vector<Shape>& in) { return windowOutputShape(n.name, in.at(0), n.pool().window); }
// A depthwise conv, then the pointwise conv of the node's second layer.
Shape fusedPointwiseShape(const Node& n, const std::vector<Shape>& in) {
  const Shape mid = convOutputShape(n.conv(), ConvKind::Depthwise, in.at(0));
  if (!n.second) throw Error(ErrorCode::Internal, "DepthwisePointwiseConv '" + n.name + "' has no pointwise layer");
  return convOutputShape(n.second->pointwise, ConvKind::Pointwise, mid);
}
// A pointwise conv whose result the second input is added to.
Shape residualShape(const Node& n, const std::vector<Shape>& in) {
  const Shape out = convOutputShape(n.conv(), ConvKind::Pointwise, in.at(0));
  if (in.at(1) != out)
    throw Error(ErrorCode::InvalidModel, "PointwiseConvAdd '" + n.name + "': skip input " + in[1].str() + " differs from the conv's output " + out.str());
  return out;
}
Shape pooledShape(const Node&, const std::vector<Shape>& in) { return {in.at(0).n, 1, 1, in.at(0).c}; }
Shape sameShape(const Node&, const std::vector<Shape>& in) { return in.at(0); }
// Elementwise over inputs of one shape (no broadcasting).
Shape sameShapes(const Node& n, const std::vector<Shape>& in) {
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i] != in[0])
      throw Error(ErrorCode::InvalidModel, std::string(nodeKindName(n.kind)) + " '" + n.name + "': input " + std::to_string(i) + " has shape " +
                  in[i].str() + ", input 0 has " + in[0].str() + " (mobilevk adds tensors of one shape, without broadcasting)");
  return in.at(0);
}

// In NodeKind order (both come from op_list.h).
const OpKindInfo kTable[] = {
#define MVK_ROW(kind, weights, outputShape, inputs, placement) \
  {NodeKind::kind, #kind, weights, inputs, Placement::placement, outputShape, cpu::run##kind, cpu::runInteger##kind},
    MVK_OP_KINDS(MVK_ROW)
#undef MVK_ROW
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
