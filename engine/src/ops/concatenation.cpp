// CONCATENATION (graph/op_list.h's Concatenation) of up to eight inputs along H, W or C, float and
// integer: one kernel over the output, each element read from the input whose slice holds it (so
// channel slices that are not a multiple of four need no second pass).
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

constexpr size_t kMaxInputs = 8;

struct Push {
  int32_t outH, outW, outC, axis;
  int32_t ends[kMaxInputs];
};
struct IntegerPush {
  Push shape;
  float scale[kMaxInputs], bias[kMaxInputs];
  int32_t copyMask, zeroPoint, isSigned;
};
static_assert(sizeof(IntegerPush) <= 128, "within the push-constant size every device offers");

std::vector<BindingType> bindings() {
  std::vector<BindingType> b{BindingType::Texel, BindingType::Storage};
  for (size_t i = 1; i < kMaxInputs; ++i) b.push_back(BindingType::Texel);
  return b;
}
const ShaderInterface kInterface{shader::concatenation, bindings(), sizeof(Push)};
const ShaderInterface kIntegerInterface{shader::concatenation_int, bindings(), sizeof(IntegerPush)};

int along(const Shape& s, int axis) { return axis == 1 ? s.h : axis == 2 ? s.w : s.c; }

void checkInputs(const Node& node) {
  if (node.inputs.size() > kMaxInputs)
    throw Error(ErrorCode::Unsupported, "Concatenation '" + node.name + "' joins " + std::to_string(node.inputs.size()) +
                " tensors; mobilevk's kernel joins at most " + std::to_string(kMaxInputs));
}

// The axis extents of every input (past the last, the total).
Push pushOf(const OpBinding& b, int axis) {
  Push p{b.outputShape.h, b.outputShape.w, b.outputShape.c, axis, {}};
  int end = along(b.inputShape, axis);
  for (size_t k = 0; k < kMaxInputs; ++k) {
    if (k > 0 && k <= b.moreInputShapes.size()) end += along(b.moreInputShapes[k - 1], axis);
    p.ends[k] = end;
  }
  return p;
}

// The binding with all eight inputs: where there are fewer, the first again (every binding must
// hold a buffer; the kernel never reads those).
OpBinding everyInputBound(const OpBinding& b) {
  OpBinding all = b;
  while (all.moreInputs.size() + 1 < kMaxInputs) {
    all.moreInputs.push_back(b.input);
    all.moreInputShapes.push_back(b.inputShape);
  }
  return all;
}

class Concatenation : public GpuOp {
 public:
  Concatenation(Gpu& gpu, const Node& node, Precision precision) : GpuOp(gpu, precision), node_(node) {
    checkInputs(node);
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Concatenation"; }
  Shape outputShape(const Shape&) const override {
    throw Error(ErrorCode::Internal, "Concatenation '" + node_.name + "': its output shape follows from all its inputs");
  }
  void bind(const OpBinding& b) override {
    const Push p = pushOf(b, node_.concat().axis);
    bindInputs(everyInputBound(b));
    setDispatch(p, uint32_t(p.outH * p.outW), uint32_t(b.outputShape.n * b.outputShape.channelGroups()), 1);
  }

 private:
  Node node_;
};

class IntegerConcatenation : public IntegerOp {
 public:
  IntegerConcatenation(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), node_(node) {
    checkInputs(node);
    if (quant_.otherInputs.size() + 1 != node.inputs.size())
      throw Error(ErrorCode::Internal, "Concatenation '" + node.name + "' has no grid for some input");
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "Concatenation (integer)"; }
  Shape outputShape(const Shape&) const override {
    throw Error(ErrorCode::Internal, "Concatenation '" + node_.name + "': its output shape follows from all its inputs");
  }
  void bind(const OpBinding& b) override {
    IntegerPush p{pushOf(b, node_.concat().axis), {}, {}, 0, quant_.output.zeroPoint, isSigned_};
    for (size_t k = 0; k < node_.inputs.size(); ++k) {
      const ConcatRequantize r = concatRequantize(k == 0 ? quant_.input : quant_.otherInputs[k - 1], quant_.output);
      p.scale[k] = r.scale;
      p.bias[k] = r.bias;
      if (r.copy) p.copyMask |= 1 << k;
    }
    bindInputs(everyInputBound(b));
    setDispatch(p, uint32_t(p.shape.outH * p.shape.outW), uint32_t(b.outputShape.n * b.outputShape.channelGroups()), 1);
  }

 private:
  Node node_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpConcatenation(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerConcatenation>(gpu, r.node);
  return std::make_unique<Concatenation>(gpu, r.node, r.precision);
}

}  // namespace mobilevk
