#pragma once
// The GPU op interface. Each op is one shader plus one class that knows its shapes, its push
// constants and how to record itself; its CPU reference twin sits in engine/src/cpu/ under the
// same name.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "half.h"
#include "mobilevk/tensor.h"
#include "graph/layer.h"
#include "ops/kernel_variants.h"
#include "vulkan/gpu.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"

namespace mobilevk {

class Gpu;

// The embedded shader variant and texel format for a precision.
std::string shaderVariant(const char* shader, Precision p);
VkFormat texelFormat(Precision p);
// Throws naming the device when it cannot store fp16 tensors.
void requirePrecision(Gpu& gpu, Precision p);

// Where an op reads and writes and the geometry it runs with: one step of a network's plan
// (runtime/plan.h), computed once, or made by GpuOp::bindStandalone for an op used on its own.
struct OpBinding {
  BufferView input, output;  // the first input and the output
  Shape inputShape, outputShape;
  WindowGeometry window;  // resolved output size and padding, for ops with a window
  // The inputs after the first (ADD's second), with their shapes.
  std::vector<BufferView> moreInputs;
  std::vector<Shape> moreInputShapes;
};

// The push-constant head the windowed shaders share (max pool, integer depthwise and max pool):
// batch, input size, channel groups, output size, channels, then the window and its padding.
struct WindowPushHead {
  int32_t batch, inH, inW, c4, outH, outW, c;
  int32_t kH, kW, strideY, strideX, padTop, padLeft;
};
inline WindowPushHead windowPushHead(const OpBinding& b, const WindowParams& w) {
  const Shape& in = b.inputShape;
  const Shape& out = b.outputShape;
  return {in.n, in.h, in.w, in.channelGroups(), out.h, out.w, out.c,
          w.kernelH, w.kernelW, w.strideY, w.strideX, b.window.padTop, b.window.padLeft};
}

class GpuOp {
 public:
  virtual ~GpuOp() = default;
  virtual const char* kind() const = 0;
  // Output shape for an input shape; throws mobilevk::Error naming the mismatch.
  virtual Shape outputShape(const Shape& input) const = 0;
  // Points the op at its input and output tensors (NC4HW4) with the planned geometry. Done once;
  // record() may then be called any number of times, into any command buffer.
  virtual void bind(const OpBinding& binding) = 0;
  // bind() for an op used on its own (tests, tools): the binding the plan would compute.
  void bindStandalone(const BufferView& input, const BufferView& output, const Shape& inputShape) {
    bind({input, output, inputShape, outputShape(inputShape), window(inputShape)});
  }
  // The resolved window on an input (ops without one have none).
  virtual WindowGeometry window(const Shape&) const { return {}; }
  // Records the dispatch. The caller owns the barriers around it.
  void record(VkCommandBuffer cmd) const;
  // The kernel variant this op runs (ops/kernel_variants.h), null for kinds without variants.
  const KernelVariant* variant() const { return variant_; }

 protected:
  GpuOp(Gpu& gpu, Precision precision) : gpu_(gpu), precision_(precision) {}
  Gpu& gpu_;
  Precision precision_;
  const KernelVariant* variant_ = nullptr;
  // Sets variant_ to `variant`, or to the device's default when null; throws naming the op when the
  // variant is of another kind or path, or the device cannot run it.
  void chooseVariant(const char* op, NodeKind kind, KernelPath path, const KernelVariant* variant);
  bool int8Storage_ = false;  // integer ops: 8-bit tensors (one byte per element, ops/integer_op.h)
  // The op's pipeline: its interface with this op's precision variant and specialization.
  PipelineDesc pipelineDesc(const ShaderInterface& interface, std::vector<uint32_t> spec) const {
    PipelineDesc d = pipelineDescFor(interface, shaderVariant(interface.shader, precision_), std::move(spec));
    d.texelFormat = texelFormat(precision_);
    return d;
  }
  // Filled by bind(): everything record() needs.
  std::shared_ptr<const ComputePipeline> pipeline_;
  DescriptorSet set_;
  std::vector<uint8_t> push_;
  uint32_t invocations_[3] = {0, 0, 0};
  bool bound_ = false;

  template <class Push>
  void setDispatch(const Push& push, uint32_t x, uint32_t y, uint32_t z) {
    push_.assign(reinterpret_cast<const uint8_t*>(&push), reinterpret_cast<const uint8_t*>(&push) + sizeof(Push));
    invocations_[0] = x;
    invocations_[1] = y;
    invocations_[2] = z;
    bound_ = true;
  }
  // Checks that the input and output ranges hold their shapes, then binds them (bindings 0 and 1)
  // and `params` (bindings 2..) as the op's descriptor set.
  void bindBuffers(const OpBinding& b, std::vector<BufferView> params = {});
  // bindBuffers for elementwise ops of several inputs: the inputs after the first as bindings 2..,
  // each checked against its shape.
  void bindInputs(const OpBinding& b);

 private:
  void checkBuffer(const BufferView& b, const Shape& s, const char* role) const;
  // Switches pipeline_ to the kernel's storage-buffer build when a texel binding would be larger
  // than the device's maxTexelBufferElements (small on some mobile GPUs).
  void readThroughStorageWhereTexelBuffersTooSmall(const std::vector<BufferView>& params);
};


// Device weight layouts (see the shaders): 4x4 blocks, each vec4 spanning four output channels.
std::vector<float> packBlockedWeights(const ConvDesc& d);  // Standard, Pointwise, FullyConnected
std::vector<float> packDepthwiseWeights(const ConvDesc& d);
std::vector<float> packBias(const ConvDesc& d);

}  // namespace mobilevk

namespace mobilevk {

// A conv-like op's weights and bias, validated, packed and uploaded once; shared by every op
// instance that runs the layer (one per frame in flight).
struct PackedWeights {
  ConvDesc desc;
  ConvKind kind;
  Precision precision;
  Buffer weights, bias;
  // Packs and uploads desc's weights and bias (added to `uploads`, sent at its flush()). The host
  // copies are not kept: `desc` keeps the layer's shape and name, its weight and bias vectors are
  // emptied.
  static std::shared_ptr<const PackedWeights> create(Gpu& gpu, ConvDesc desc, ConvKind kind, Precision precision,
                                                     Gpu::UploadBatch& uploads);
  // The same, uploaded at once (for a single op).
  static std::shared_ptr<const PackedWeights> create(Gpu& gpu, ConvDesc desc, ConvKind kind, Precision precision) {
    Gpu::UploadBatch uploads(gpu);
    auto packed = create(gpu, std::move(desc), kind, precision, uploads);
    uploads.flush();
    return packed;
  }
};

// Base of the four ops that carry weights and a bias.
class WeightedOp : public GpuOp {
 public:
  const ConvDesc& desc() const { return desc_; }
  Shape outputShape(const Shape& input) const override { return convOutputShape(desc_, convKind_, input); }
  WindowGeometry window(const Shape& input) const override { return resolveWindow(desc_.name, input, desc_.window); }
  uint64_t weightBytes() const { return weights_.size() + bias_.size(); }
  const std::shared_ptr<const PackedWeights>& packedWeights() const { return packed_; }

 protected:
  WeightedOp(Gpu& gpu, std::shared_ptr<const PackedWeights> packed, ConvKind expected);
  // bindBuffers with this op's weights and bias as bindings 2 and 3.
  void bindBuffers(const OpBinding& b) { GpuOp::bindBuffers(b, {weights_, bias_}); }
  std::shared_ptr<const PackedWeights> packed_;
  const ConvDesc& desc_;
  ConvKind convKind_;
  const Buffer& weights_;
  const Buffer& bias_;
};

}  // namespace mobilevk
