#include "ops/pointwise_conv.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"

#include "shader_names.h"

#include "mobilevk/error.h"
#include "vulkan/gpu.h"

namespace mobilevk {

namespace {
struct Push {
  int32_t batch, pixels, inC4, outC4, outC;
  float clampMin, clampMax;
  float addMin, addMax;  // the _residual builds
};
const ShaderInterface kInterface{shader::pointwise_conv, {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */, BindingType::Texel /* bias */}, sizeof(Push)};
// The storage-buffer build of the same source (KernelVariant::Build::StorageReads).
const ShaderInterface kStorageInterface{"pointwise_conv_ssbo",
                                        {BindingType::Storage /* input */, BindingType::Storage /* output */,
                                         BindingType::Storage /* weights */, BindingType::Storage /* bias */},
                                        sizeof(Push)};
// The other builds read as pointwise_conv does.
ShaderInterface texelInterface(const char* shader) {
  ShaderInterface i = kInterface;
  i.shader = shader;
  return i;
}
const ShaderInterface kTiledInterface = texelInterface(shader::pointwise_conv_tiled);
const ShaderInterface kHalfInterface = texelInterface("pointwise_conv_f16math");
const ShaderInterface kHalfAcc32Interface = texelInterface("pointwise_conv_f16math_acc32");
// The _residual twin of a build (shaders/CMakeLists.txt): the skip tensor as binding 4, read as
// the input is.
ShaderInterface residualTwin(const ShaderInterface& i, const char* shader) {
  ShaderInterface r = i;
  r.shader = shader;
  r.bindings.push_back(i.bindings[0]);
  return r;
}
const ShaderInterface kResidualInterface = residualTwin(kInterface, "pointwise_conv_residual");
const ShaderInterface kResidualStorageInterface = residualTwin(kStorageInterface, "pointwise_conv_residual_ssbo");
const ShaderInterface kResidualTiledInterface = residualTwin(kTiledInterface, "pointwise_conv_tiled_residual");
const ShaderInterface kResidualHalfInterface = residualTwin(kHalfInterface, "pointwise_conv_residual_f16math");
const ShaderInterface kResidualHalfAcc32Interface = residualTwin(kHalfAcc32Interface, "pointwise_conv_residual_f16math_acc32");
// The build of pointwise_conv (8x8 workgroups of register blocks) a variant runs.
const ShaderInterface& registerBlockInterface(KernelVariant::Build build, bool residual) {
  switch (build) {
    case KernelVariant::Build::StorageReads: return residual ? kResidualStorageInterface : kStorageInterface;
    case KernelVariant::Build::Half: return residual ? kResidualHalfInterface : kHalfInterface;
    case KernelVariant::Build::HalfAcc32: return residual ? kResidualHalfAcc32Interface : kHalfAcc32Interface;
    default: return residual ? kResidualInterface : kInterface;
  }
}

void checkSkip(const char* op, const OpBinding& b) {
  if (b.moreInputShapes.size() != 1 || b.moreInputShapes[0] != b.outputShape)
    throw Error(ErrorCode::Internal, std::string(op) + ": the residual's skip tensor must have the output's shape " + b.outputShape.str());
}
}  // namespace

PointwiseConv::PointwiseConv(Gpu& gpu, ConvDesc desc, Precision precision, const KernelVariant* variant)
    : PointwiseConv(gpu, PackedWeights::create(gpu, std::move(desc), ConvKind::Pointwise, precision), variant) {}

PointwiseConv::PointwiseConv(Gpu& gpu, std::shared_ptr<const PackedWeights> weights, const KernelVariant* variant,
                             std::optional<Activation> residual)
    : WeightedOp(gpu, std::move(weights), ConvKind::Pointwise), residual_(residual) {
  // Register block (the variant): pixels x groups of 4 output channels per invocation, in
  // 64-invocation workgroups. On lavapipe every fetch is a per-lane gather, and 4 x 8 measured
  // fastest among 2-16 pixels x 4-16 channels (the closing note of the performance issue).
  chooseVariant("PointwiseConv", NodeKind::PointwiseConv, KernelPath::Float, variant);
  const uint32_t px = variant_->block[0], ocb = variant_->block[1];
  if (variant_->build == KernelVariant::Build::SharedTiles) {
    tiledWorkgroup(*variant_, gpu.info().caps.subgroupSize, workgroup_);
    pipeline_ = gpu.pipeline(pipelineDesc(residual_ ? kResidualTiledInterface : kTiledInterface,
                                          {workgroup_[0], workgroup_[1], 1, px, ocb, variant_->tileChannelGroups}));
  } else {
    pipeline_ = gpu.pipeline(pipelineDesc(registerBlockInterface(variant_->build, residual_.has_value()), {8, 8, 1, px, ocb}));
  }
}

void PointwiseConv::bind(const OpBinding& b) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  if (residual_) {
    checkSkip(kind(), b);
    GpuOp::bindBuffers(b, {weights_, bias_, b.moreInputs.at(0)});
  } else {
    bindBuffers(b);
  }
  const int pixels = in.h * in.w;
  const Activation add = residual_.value_or(Activation::none());
  Push p{in.n, pixels, in.channelGroups(), out.channelGroups(), out.c, desc_.activation.min, desc_.activation.max, add.min, add.max};
  const uint32_t px = variant_->block[0], ocb = variant_->block[1];
  const uint64_t flat = uint64_t(pixels) * uint64_t(in.n);
  if (flat > uint64_t(INT32_MAX)) throw Error("PointwiseConv '" + desc_.name + "': " + in.str() + " has too many pixels");
  const uint32_t groups = uint32_t(out.channelGroups());
  if (variant_->build == KernelVariant::Build::SharedTiles) {
    // One workgroup per tile of (width x px) pixels by (height x ocb) channel groups.
    const uint64_t tilePixels = uint64_t(workgroup_[0]) * px, tileGroups = uint64_t(workgroup_[1]) * ocb;
    setDispatch(p, uint32_t((flat + tilePixels - 1) / tilePixels * workgroup_[0]),
                uint32_t((groups + tileGroups - 1) / tileGroups * workgroup_[1]), 1);
  } else {
    setDispatch(p, uint32_t((flat + px - 1) / px), (groups + ocb - 1) / ocb, 1);
  }
}

static std::unique_ptr<GpuOp> floatOpPointwiseConv(Gpu& gpu, const Node&, Precision,
                                              const std::shared_ptr<const PackedWeights>& weights, const KernelVariant* variant) {
  return std::make_unique<PointwiseConv>(gpu, weights, variant);
}

namespace {

struct IntegerPush {
  int32_t batch, pixels, inC4, outC4, outC;
  int32_t inZero, outZero, actMin, actMax, isSigned;
  int32_t aMultiplier, bMultiplier, addBias, addShift, addZero, addMin, addMax;  // the _residual builds
};
const ShaderInterface kIntegerInterface{
    shader::pointwise_conv_int,
    {BindingType::Texel /* input */, BindingType::Storage /* output */, BindingType::Texel /* weights */,
     BindingType::Storage /* channels */},
    sizeof(IntegerPush)};
const ShaderInterface kIntegerResidualInterface = residualTwin(kIntegerInterface, "pointwise_conv_int_residual");

// Also runs FullyConnected: a 1x1 convolution of a 1x1 map. Register block (the variant): pixels x
// groups of 4 output channels per invocation, as the float op's.
class IntegerPointwiseConv : public IntegerWeightedOp {
 public:
  IntegerPointwiseConv(Gpu& gpu, const Node& node, std::shared_ptr<const IntegerWeights> weights,
                       const KernelVariant* variant)
      : IntegerWeightedOp(gpu, node, std::move(weights)) {
    chooseVariant("PointwiseConv (integer)", NodeKind::PointwiseConv, KernelPath::Integer, variant);
    if (node.kind == NodeKind::PointwiseConvAdd) {
      // The ADD's grids (graph/passes.h): the conv's result, the skip tensor, the sum.
      if (!node.second || !node.second->quant || node.second->quant->otherInputs.size() != 1)
        throw Error(ErrorCode::Internal, "PointwiseConvAdd '" + node.name + "' without the ADD's integers");
      const QuantizedLayer& q = *node.second->quant;
      add_ = addParams(q.input, q.otherInputs[0], q.output, q.activationMin, q.activationMax, node.name);
    }
    pipeline_ = gpu.pipeline(weightedPipelineDesc(add_ ? kIntegerResidualInterface : kIntegerInterface,
                                                  {8, 8, 1, variant_->block[0], variant_->block[1], uint32_t(isSigned_)}));
  }
  const char* kind() const override {
    if (add_) return weights_->innerProduct == InnerProduct::PackedDot ? "PointwiseConv + Add (integer, packed dot)" : "PointwiseConv + Add (integer)";
    return weights_->innerProduct == InnerProduct::PackedDot ? "PointwiseConv (integer, packed dot)" : "PointwiseConv (integer)";
  }
  void bind(const OpBinding& b) override {
    const Shape& in = b.inputShape;
    const Shape& out = b.outputShape;
    if (add_) {
      checkSkip(kind(), b);
      GpuOp::bindBuffers(b, {weights_->weights, weights_->channels, b.moreInputs.at(0)});
    } else {
      bindBuffers(b);
    }
    const AddParams a = add_.value_or(AddParams{});
    const IntegerPush p{in.n, in.h * in.w, in.channelGroups(), out.channelGroups(), out.c, quant_.input.zeroPoint,
                        quant_.output.zeroPoint, quant_.activationMin, quant_.activationMax, isSigned_,
                        a.aMultiplier, a.bMultiplier, a.bias, a.shift, a.outputZeroPoint, a.activationMin, a.activationMax};
    const uint32_t pixels = variant_->block[0], groups = variant_->block[1];
    setDispatch(p, (uint32_t(in.n * in.h * in.w) + pixels - 1) / pixels,
                (uint32_t(out.channelGroups()) + groups - 1) / groups, 1);
  }

 private:
  std::optional<AddParams> add_;
};

}  // namespace

std::unique_ptr<GpuOp> makeIntegerMatrixOp(Gpu& gpu, const Node& node, const std::shared_ptr<const IntegerWeights>& weights,
                                           const KernelVariant* variant) {
  return std::make_unique<IntegerPointwiseConv>(gpu, node, weights, variant);
}

static std::unique_ptr<GpuOp> integerOpPointwiseConv(Gpu& gpu, const Node& node,
                                                     const std::shared_ptr<const IntegerWeights>& weights, const KernelVariant* variant) {
  return makeIntegerMatrixOp(gpu, node, weights, variant);
}

std::unique_ptr<GpuOp> makeGpuOpPointwiseConv(Gpu& gpu, const GpuOpRequest& r) {
  return r.integer ? integerOpPointwiseConv(gpu, r.node, r.integerWeights, r.variant)
                   : floatOpPointwiseConv(gpu, r.node, r.precision, r.weights.empty() ? nullptr : r.weights[0], r.variant);
}

// The ADD's clamp of a PointwiseConvAdd node (graph/passes.h).
std::unique_ptr<GpuOp> makeGpuOpPointwiseConvAdd(Gpu& gpu, const GpuOpRequest& r) {
  if (!r.node.second) throw Error(ErrorCode::Internal, "PointwiseConvAdd '" + r.node.name + "' without its ADD");
  if (r.integer) return std::make_unique<IntegerPointwiseConv>(gpu, r.node, r.integerWeights, r.variant);
  return std::make_unique<PointwiseConv>(gpu, r.weights.at(0), r.variant, r.node.second->residual.activation);
}

}  // namespace mobilevk
