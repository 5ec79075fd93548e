#pragma once
// Compute pipelines built from the embedded SPIR-V, and the descriptor sets that bind buffers to them.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vulkan/functions.h"

namespace mobilevk {

class Gpu;
class Buffer;
struct BufferView;

enum class BindingType {
  Storage,  // a storage buffer
  Texel,    // a read-only uniform texel buffer of vec4 (texelFetch): gathered without per-lane
            // branching on CPU drivers, through the texture cache on GPUs
  Image,    // a combined image sampler (given to DescriptorSet as an ImageBinding)
};

// A shader's interface, declared once beside the op that uses it: its name (a constant from the
// generated shader_names.h), the type of each binding of set 0 in order, and its push-constant size.
struct ShaderInterface {
  const char* shader;
  std::vector<BindingType> bindings;
  uint32_t pushConstantBytes = 0;
};

struct PipelineDesc {
  std::string shader;                  // name of shaders/<name>.comp
  uint32_t bindings = 0;               // storage buffers at set 0, bindings 0..n-1
  uint32_t pushConstantBytes = 0;
  std::vector<uint32_t> specialization;  // constant_id 0.. in order (0..2 = workgroup size)
  // Bit i set: binding i is a read-only uniform texel buffer of vec4 (texelFetch) instead of a
  // storage buffer. Texel fetches are gathered without per-lane branching on CPU drivers, and go
  // through the texture cache on GPUs.
  uint32_t texelBindings = 0;
  // Bit i set: binding i is a combined image sampler (given to DescriptorSet as an ImageBinding).
  uint32_t imageBindings = 0;
  VkFormat texelFormat = VK_FORMAT_R32G32B32A32_SFLOAT;

  std::string key() const;
};

// The pipeline description for an interface (its binding types become the masks above).
PipelineDesc pipelineDescFor(const ShaderInterface& interface, std::string shaderVariant,
                             std::vector<uint32_t> specialization);

class ComputePipeline {
 public:
  ComputePipeline(Gpu& gpu, const PipelineDesc& desc);
  ~ComputePipeline();
  ComputePipeline(const ComputePipeline&) = delete;
  ComputePipeline& operator=(const ComputePipeline&) = delete;

  VkPipeline handle() const { return pipeline_; }
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSetLayout setLayout() const { return setLayout_; }
  const PipelineDesc& desc() const { return desc_; }
  // Workgroup size as specialized (from desc.specialization[0..2]).
  const VulkanFunctions& vk() const { return *vk_; }
  uint32_t localSize(int axis) const { return desc_.specialization.size() > size_t(axis) ? desc_.specialization[axis] : 1; }

 private:
  void destroy();
  const VulkanFunctions* vk_;
  VkDevice device_;
  PipelineDesc desc_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
 public:
  uint32_t maxGroupCount[3] = {0, 0, 0};  // the device's limit, checked at dispatch
};

struct ImageBinding {
  VkImageView view = VK_NULL_HANDLE;
  VkSampler sampler = VK_NULL_HANDLE;
  VkImageLayout layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
};

// One descriptor set (with its own small pool) pointing at a fixed list of buffers (and images, for
// the pipeline's image bindings, whose entries in `buffers` are ignored).
class DescriptorSet {
 public:
  DescriptorSet() = default;
  DescriptorSet(Gpu& gpu, const ComputePipeline& pipeline, const std::vector<BufferView>& buffers,
                const std::vector<ImageBinding>& images = {});
  ~DescriptorSet();
  DescriptorSet(DescriptorSet&& o) noexcept;
  DescriptorSet& operator=(DescriptorSet&& o) noexcept;
  DescriptorSet(const DescriptorSet&) = delete;
  DescriptorSet& operator=(const DescriptorSet&) = delete;

  VkDescriptorSet handle() const { return set_; }

 private:
  void destroy();
  const VulkanFunctions* vk_ = nullptr;
  VkDevice device_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  std::vector<VkBufferView> views_;
};

// Binds pipeline and set, pushes constants and dispatches enough workgroups to cover `invocations`.
void recordDispatch(VkCommandBuffer cmd, const ComputePipeline& pipeline, const DescriptorSet& set,
                    const void* pushConstants, uint32_t pushBytes, const uint32_t invocations[3]);

}  // namespace mobilevk
