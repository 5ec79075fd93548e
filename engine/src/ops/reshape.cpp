// RESHAPE where NC4HW4 moves elements (graph/op_list.h's Reshape): a copy kernel, float and integer.
// A reshape that keeps the channels (and so the NC4HW4 order) is no node at all: the importer makes
// its output the input's value.
#include "graph/op_table.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t inH, inW, inC, outH, outW, outC, planes;
};
struct IntegerPush {
  Push shape;
  int32_t zeroPoint;
};
const ShaderInterface kInterface{shader::reshape, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};
const ShaderInterface kIntegerInterface{shader::reshape_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

Shape reshaped(const Node& node, const Shape& in) { return opKind(node.kind).outputShapes(node, {in}).at(0); }

Push pushOf(const OpBinding& b) {
  const Shape& i = b.inputShape;
  const Shape& o = b.outputShape;
  return {i.h, i.w, i.c, o.h, o.w, o.c, o.n * o.channelGroups()};
}

class Reshape : public GpuOp {
 public:
  Reshape(Gpu& gpu, const Node& node, Precision precision) : GpuOp(gpu, precision), node_(node) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Reshape"; }
  Shape outputShape(const Shape& in) const override { return reshaped(node_, in); }
  void bind(const OpBinding& b) override {
    bindBuffers(b);
    const Push p = pushOf(b);
    setDispatch(p, uint32_t(p.outH * p.outW), uint32_t(p.planes), 1);
  }

 private:
  Node node_;
};

class IntegerReshape : public IntegerOp {
 public:
  IntegerReshape(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), node_(node) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Reshape (integer)"; }
  Shape outputShape(const Shape& in) const override { return reshaped(node_, in); }
  void bind(const OpBinding& b) override {
    bindBuffers(b);
    const IntegerPush p{pushOf(b), quant_.output.zeroPoint};
    setDispatch(p, uint32_t(p.shape.outH * p.shape.outW), uint32_t(p.shape.planes), 1);
  }

 private:
  Node node_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpReshape(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerReshape>(gpu, r.node);
  return std::make_unique<Reshape>(gpu, r.node, r.precision);
}

}  // namespace mobilevk
