// PAD with a constant (graph/op_list.h's Pad): zero in float, the zero point in integers.
#include "graph/op_table.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t inH, inW, outH, outW, top, left;
};
struct IntegerPush {
  Push shape;
  int32_t zeroPoint;
};
const ShaderInterface kInterface{shader::pad, {BindingType::Texel /* input */, BindingType::Storage /* output */}, sizeof(Push)};
const ShaderInterface kIntegerInterface{shader::pad_int, {BindingType::Texel /* input */, BindingType::Storage /* output */},
                                        sizeof(IntegerPush)};

Push pushOf(const OpBinding& b, const PadParams& p) {
  return {b.inputShape.h, b.inputShape.w, b.outputShape.h, b.outputShape.w, p.top, p.left};
}
uint32_t planes(const OpBinding& b) { return uint32_t(b.outputShape.n * b.outputShape.channelGroups()); }

class Pad : public GpuOp {
 public:
  Pad(Gpu& gpu, const Node& node, Precision precision) : GpuOp(gpu, precision), node_(node) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Pad"; }
  Shape outputShape(const Shape& in) const override { return opKind(node_.kind).outputShapes(node_, {in}).at(0); }
  void bind(const OpBinding& b) override {
    bindBuffers(b);
    setDispatch(pushOf(b, node_.pad()), uint32_t(b.outputShape.h * b.outputShape.w), planes(b), 1);
  }

 private:
  Node node_;
};

class IntegerPad : public IntegerOp {
 public:
  IntegerPad(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), node_(node) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Pad (integer)"; }
  Shape outputShape(const Shape& in) const override { return opKind(node_.kind).outputShapes(node_, {in}).at(0); }
  void bind(const OpBinding& b) override {
    bindBuffers(b);
    // An int8 zero point as its stored byte (the kernel packs the low 8 bits).
    setDispatch(IntegerPush{pushOf(b, node_.pad()), quant_.output.zeroPoint}, uint32_t(b.outputShape.h * b.outputShape.w), planes(b), 1);
  }

 private:
  Node node_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpPad(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerPad>(gpu, r.node);
  return std::make_unique<Pad>(gpu, r.node, r.precision);
}

}  // namespace mobilevk
