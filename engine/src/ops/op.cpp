#include "ops/op.h"

#include <algorithm>
#include <cstring>

#include "mobilevk/error.h"
#include "vulkan/gpu.h"
#include "vulkan/shader_registry.h"

namespace mobilevk {

void GpuOp::record(VkCommandBuffer cmd) const {
  if (!bound_) throw Error(std::string(kind()) + ": record() before bind()");
  recordDispatch(cmd, *pipeline_, set_, push_.data(), uint32_t(push_.size()), invocations_);
}

void GpuOp::chooseVariant(const char* op, NodeKind kind, KernelPath path, const KernelVariant* variant) {
  if (!variant) variant = defaultKernelVariant(kind, path, gpu_.info(), precision_);
  if (!variant) {
    // Say why of each (a device profile, or a small device, can rule them all out).
    std::string why;
    for (const KernelVariant* v : kernelVariants(kind, path))
      why += std::string(why.empty() ? "" : "; ") + v->name + " " + unsupportedReason(*v, gpu_.info().caps, precision_);
    throw Error(ErrorCode::Unsupported, std::string(op) + ": no kernel variant fits " + gpu_.describe() + ": " + why);
  }
  if (variant->kind != kind || variant->path != path)
    throw Error(ErrorCode::InvalidArgument, std::string(op) + ": kernel variant '" + variant->name + "' is for " +
                nodeKindName(variant->kind) + (variant->path == KernelPath::Integer ? " (integer)" : ""));
  const std::string why = unsupportedReason(*variant, gpu_.info().caps, precision_);
  if (!why.empty())
    throw Error(ErrorCode::Unsupported, std::string(op) + ": kernel variant '" + variant->name + "' " + why);
  variant_ = variant;
}

void GpuOp::bindBuffers(const OpBinding& b, std::vector<BufferView> params) {
  checkBuffer(b.input, b.inputShape, "input");
  checkBuffer(b.output, b.outputShape, "output");
  params.insert(params.begin(), {b.input, b.output});
  readThroughStorageWhereTexelBuffersTooSmall(params);
  set_ = DescriptorSet(gpu_, *pipeline_, params);
}

void GpuOp::bindInputs(const OpBinding& b) {
  if (b.moreInputs.size() != b.moreInputShapes.size())
    throw Error(ErrorCode::Internal, std::string(kind()) + ": " + std::to_string(b.moreInputs.size()) + " more inputs with " +
                std::to_string(b.moreInputShapes.size()) + " shapes");
  for (size_t i = 0; i < b.moreInputs.size(); ++i) checkBuffer(b.moreInputs[i], b.moreInputShapes[i], "input");
  bindBuffers(b, b.moreInputs);
}

void GpuOp::readThroughStorageWhereTexelBuffersTooSmall(const std::vector<BufferView>& params) {
  const PipelineDesc& d = pipeline_->desc();
  const uint64_t limit = gpu_.info().caps.maxTexelBufferElements;
  const VkFormat f = d.texelFormat;
  const uint64_t texelBytes = f == VK_FORMAT_R32G32B32A32_SFLOAT ? 16 : f == VK_FORMAT_R16G16B16A16_SFLOAT ? 8 : 4;
  uint64_t largest = 0;
  for (size_t i = 0; i < params.size() && i < 32; ++i)
    if (((d.texelBindings >> i) & 1) && params[i]) largest = std::max<uint64_t>(largest, params[i].size / texelBytes);
  if (largest <= limit) return;
  // The same kernel reading storage buffers: <shader>_ssbo[_fp16] (shaders/CMakeLists.txt).
  std::string shader = d.shader;
  const std::string fp16 = "_fp16";
  const bool half = shader.size() > fp16.size() && shader.compare(shader.size() - fp16.size(), fp16.size(), fp16) == 0;
  if (half) shader.resize(shader.size() - fp16.size());
  shader += std::string("_ssbo") + (half ? fp16 : "");
  if (!findEmbeddedShader(shader)) return;  // DescriptorSet then refuses the view, naming the limit
  PipelineDesc storage = d;
  storage.shader = shader;
  storage.texelBindings = 0;
  pipeline_ = gpu_.pipeline(storage);
  gpu_.log(LogLevel::Info, std::string(kind()) + ": a binding of " + std::to_string(largest) +
                               " texels is over this device's maxTexelBufferElements of " + std::to_string(limit) +
                               ", so " + d.shader + " reads through storage buffers (" + shader + ")");
}

void GpuOp::checkBuffer(const BufferView& b, const Shape& s, const char* role) const {
  const size_t need = int8Storage_ ? s.packedElements() : deviceTensorBytes(s, precision_);
  if (!b || b.size < need)
    throw Error(std::string(kind()) + ": " + role + " buffer of " + std::to_string(b.size) + " bytes is too small for " +
                s.str() + " (" + std::to_string(need) + " bytes)");
}

std::vector<float> packBlockedWeights(const ConvDesc& d) {
  const int kH = d.window.kernelH, kW = d.window.kernelW;
  const int in4 = (d.inChannels + 3) / 4, out4 = (d.outChannels + 3) / 4;
  std::vector<float> packed(size_t(out4) * kH * kW * in4 * 16, 0.0f);
  for (int o = 0; o < d.outChannels; ++o)
    for (int ky = 0; ky < kH; ++ky)
      for (int kx = 0; kx < kW; ++kx)
        for (int i = 0; i < d.inChannels; ++i) {
          const float v = d.weights[((size_t(o) * kH + ky) * kW + kx) * d.inChannels + i];
          // block (o/4, ky, kx, i/4); within it vec4 number i%4, lane o%4
          const size_t block = ((size_t(o / 4) * kH + ky) * kW + kx) * in4 + i / 4;
          packed[block * 16 + (i % 4) * 4 + o % 4] = v;
        }
  return packed;
}

std::vector<float> packDepthwiseWeights(const ConvDesc& d) {
  const int kH = d.window.kernelH, kW = d.window.kernelW, c = d.inChannels, c4 = (c + 3) / 4;
  std::vector<float> packed(size_t(c4) * kH * kW * 4, 0.0f);
  for (int ky = 0; ky < kH; ++ky)
    for (int kx = 0; kx < kW; ++kx)
      for (int ch = 0; ch < c; ++ch)
        packed[((size_t(ch / 4) * kH + ky) * kW + kx) * 4 + ch % 4] = d.weights[(size_t(ky) * kW + kx) * c + ch];
  return packed;
}

std::vector<float> packBias(const ConvDesc& d) {
  std::vector<float> packed(size_t((d.outChannels + 3) / 4) * 4, 0.0f);
  for (size_t i = 0; i < d.bias.size(); ++i) packed[i] = d.bias[i];
  return packed;
}

}  // namespace mobilevk

#include "half.h"
#include "vulkan/gpu.h"

namespace mobilevk {

std::shared_ptr<const PackedWeights> PackedWeights::create(Gpu& gpu, ConvDesc desc, ConvKind kind, Precision precision,
                                                           Gpu::UploadBatch& uploads) {
  requirePrecision(gpu, precision);
  validateConvDesc(desc, kind);
  auto p = std::make_shared<PackedWeights>();
  p->kind = kind;
  p->precision = precision;
  auto upload = [&](Buffer& dst, const std::vector<float>& v, const std::string& what) {
    auto bytes = encodeStorage(v, precision);
    dst = Buffer(gpu, bytes.size(), MemoryUsage::Device, what);
    uploads.add(dst, std::move(bytes));
  };
  upload(p->weights, kind == ConvKind::Depthwise ? packDepthwiseWeights(desc) : packBlockedWeights(desc),
         "weights of " + desc.name);
  upload(p->bias, packBias(desc), "bias of " + desc.name);
  p->desc = std::move(desc);
  p->desc.weights = std::vector<float>();  // the Model keeps its own; no second host copy per network
  p->desc.bias = std::vector<float>();
  return p;
}

WeightedOp::WeightedOp(Gpu& gpu, std::shared_ptr<const PackedWeights> packed, ConvKind expected)
    : GpuOp(gpu, packed->precision),
      packed_(std::move(packed)),
      desc_(packed_->desc),
      convKind_(packed_->kind),
      weights_(packed_->weights),
      bias_(packed_->bias) {
  if (convKind_ != expected)
    throw Error(std::string(convKindName(expected)) + " given the weights of a " + convKindName(convKind_) + " ('" +
                desc_.name + "')");
}

std::string shaderVariant(const char* shader, Precision p) {
  return std::string(shader) + (p == Precision::FP16 ? "_fp16" : "");
}

VkFormat texelFormat(Precision p) {
  return p == Precision::FP16 ? VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R32G32B32A32_SFLOAT;
}

void requirePrecision(Gpu& gpu, Precision p) {
  const VkFormat f = texelFormat(p);
  VkFormatProperties props;
  gpu.vk().GetPhysicalDeviceFormatProperties(gpu.physicalDevice(), f, &props);
  if (!(props.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT))
    throw Error("device " + gpu.info().name + " cannot read " + (p == Precision::FP16 ? "RGBA16F" : "RGBA32F") +
                " uniform texel buffers");
  if (p == Precision::FP16 && !gpu.info().caps.storage16bit)
    throw Error(ErrorCode::Unsupported, gpu.describe() + " has no 16-bit storage (storageBuffer16BitAccess): use fp32 "
                                            "(--precision fp32)");
}

}  // namespace mobilevk
