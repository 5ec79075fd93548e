#include "graph/op_table.h"

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

Shape convShape(const Node& n, const Shape& in) { return convOutputShape(n.conv, *opKind(n.kind).conv, in); }
// A window over H and W with the channels kept (pools).
Shape windowShape(const Node& n, const Shape& in) { return windowOutputShape(n.name, in, n.conv.window); }
Shape pooledShape(const Node&, const Shape& in) { return {in.n, 1, 1, in.c}; }
Shape sameShape(const Node&, const Shape& in) { return in; }

// In NodeKind order (both come from op_list.h).
const OpKindInfo kTable[] = {
#define MVK_ROW(kind, weights, outputShape) \
  {NodeKind::kind, #kind, weights, outputShape, cpu::run##kind, cpu::runInteger##kind},
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
