// RESIZE_BILINEAR (graph/op_list.h's ResizeBilinear): float, and XNNPACK's 8-bit ibilinear. The
// sampling (graph/params.h, resizeTaps) is computed on the host and read by the kernel from a table,
// so GPU and CPU twin use the very same indices and weights.
#include <cstring>

#include "graph/op_table.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {

struct Push {
  int32_t inH, inW, outH, outW;
};
struct IntegerPush {
  Push shape;
  int32_t isSigned;
};
const std::vector<BindingType> kBindings{BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Storage /* taps */};
const ShaderInterface kInterface{shader::resize_bilinear, kBindings, sizeof(Push)};
const ShaderInterface kIntegerInterface{shader::resize_bilinear_int, kBindings, sizeof(IntegerPush)};

// The table: per output row, then per output column, (first, second, Q11 weight, float weight bits).
Buffer tapTable(Gpu& gpu, const Node& node, const Shape& in) {
  const ResizeParams& p = node.resize();
  std::vector<int32_t> table;
  for (const auto& taps : {resizeTaps(in.h, p.height, p.alignCorners, p.halfPixelCenters),
                           resizeTaps(in.w, p.width, p.alignCorners, p.halfPixelCenters)})
    for (const ResizeTap& t : taps) {
      int32_t bits;
      std::memcpy(&bits, &t.alpha, 4);
      table.insert(table.end(), {t.first, t.second, t.alphaQ11, bits});
    }
  Buffer b(gpu, table.size() * 4, MemoryUsage::Device, "resize taps of " + node.name);
  gpu.upload(b, table.data(), table.size() * 4);
  return b;
}

Push pushOf(const OpBinding& b) { return {b.inputShape.h, b.inputShape.w, b.outputShape.h, b.outputShape.w}; }
uint32_t planes(const OpBinding& b) { return uint32_t(b.outputShape.n * b.outputShape.channelGroups()); }

class ResizeBilinear : public GpuOp {
 public:
  ResizeBilinear(Gpu& gpu, const Node& node, Precision precision) : GpuOp(gpu, precision), node_(node) {
    requirePrecision(gpu, precision);
    pipeline_ = gpu.pipeline(pipelineDesc(kInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "ResizeBilinear"; }
  Shape outputShape(const Shape& in) const override { return opKind(node_.kind).outputShapes(node_, {in}).at(0); }
  void bind(const OpBinding& b) override {
    taps_ = tapTable(gpu_, node_, b.inputShape);
    bindBuffers(b, {taps_});
    setDispatch(pushOf(b), uint32_t(b.outputShape.h * b.outputShape.w), planes(b), 1);
  }

 private:
  Node node_;
  Buffer taps_;
};

class IntegerResizeBilinear : public IntegerOp {
 public:
  IntegerResizeBilinear(Gpu& gpu, const Node& node) : IntegerOp(gpu, node), node_(node) {
    requireSameGrid(quant_, node.name);
    pipeline_ = gpu.pipeline(integerPipelineDesc(kIntegerInterface, {64, 1, 1}));
  }
  const char* kind() const override { return "ResizeBilinear (integer)"; }
  Shape outputShape(const Shape& in) const override { return opKind(node_.kind).outputShapes(node_, {in}).at(0); }
  void bind(const OpBinding& b) override {
    taps_ = tapTable(gpu_, node_, b.inputShape);
    GpuOp::bindBuffers(b, {taps_});
    setDispatch(IntegerPush{pushOf(b), isSigned_}, uint32_t(b.outputShape.h * b.outputShape.w), planes(b), 1);
  }

 private:
  Node node_;
  Buffer taps_;
};

}  // namespace

std::unique_ptr<GpuOp> makeGpuOpResizeBilinear(Gpu& gpu, const GpuOpRequest& r) {
  if (r.integer) return std::make_unique<IntegerResizeBilinear>(gpu, r.node);
  return std::make_unique<ResizeBilinear>(gpu, r.node, r.precision);
}

}  // namespace mobilevk
