#include "vulkan/pipeline.h"

#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/gpu.h"
#include "vulkan/memory.h"
#include "vulkan/shader_registry.h"

namespace mobilevk {

PipelineDesc pipelineDescFor(const ShaderInterface& interface, std::string shaderVariant,
                             std::vector<uint32_t> specialization) {
  PipelineDesc d;
  d.shader = std::move(shaderVariant);
  d.bindings = uint32_t(interface.bindings.size());
  d.pushConstantBytes = interface.pushConstantBytes;
  d.specialization = std::move(specialization);
  for (uint32_t i = 0; i < d.bindings; ++i) {
    if (interface.bindings[i] == BindingType::Texel) d.texelBindings |= 1u << i;
    if (interface.bindings[i] == BindingType::Image) d.imageBindings |= 1u << i;
  }
  return d;
}

namespace {
// Bytes per texel of the formats texel buffers are read as.
uint64_t texelBytes(VkFormat f) {
  switch (f) {
    case VK_FORMAT_R32G32B32A32_SFLOAT: return 16;
    case VK_FORMAT_R16G16B16A16_SFLOAT: return 8;
    case VK_FORMAT_R8G8B8A8_UINT:
    case VK_FORMAT_R32_UINT: return 4;
    default: throw Error("texel buffer format " + std::to_string(int(f)) + " has no known size");
  }
}
}  // namespace

std::string PipelineDesc::key() const {
  std::string k = shader + "|" + std::to_string(bindings) + "|" + std::to_string(pushConstantBytes) + "|" +
                  std::to_string(texelBindings) + "|" + std::to_string(int(texelFormat)) + "|" +
                  std::to_string(imageBindings);
  for (uint32_t s : specialization) k += "|" + std::to_string(s);
  return k;
}

ComputePipeline::ComputePipeline(Gpu& gpu, const PipelineDesc& desc) : vk_(&gpu.vk()), device_(gpu.device()), desc_(desc) {
  const EmbeddedShader* spv = findEmbeddedShader(desc.shader);
  if (!spv) throw Error("no embedded shader named '" + desc.shader + "'");
  const auto& caps = gpu.info().caps;
  if (desc.pushConstantBytes > caps.maxPushConstantBytes)
    throw Error(ErrorCode::Unsupported, "shader " + desc.shader + " needs " + std::to_string(desc.pushConstantBytes) +
                " bytes of push constants, device allows " + std::to_string(caps.maxPushConstantBytes));
  uint32_t invocations = 1;
  for (int a = 0; a < 3; ++a) {
    maxGroupCount[a] = caps.maxWorkgroupCount[a];
    if (localSize(a) == 0 || localSize(a) > caps.maxWorkgroupSize[a])
      throw Error(ErrorCode::Unsupported, "shader " + desc.shader + ": workgroup size " + std::to_string(localSize(a)) + " on axis " +
                  std::to_string(a) + " is outside this device's limit of " + std::to_string(caps.maxWorkgroupSize[a]));
    invocations *= localSize(a);
  }
  if (invocations > caps.maxWorkgroupInvocations)
    throw Error(ErrorCode::Unsupported, "shader " + desc.shader + ": workgroup of " + std::to_string(invocations) +
                " invocations is over this device's limit of " + std::to_string(caps.maxWorkgroupInvocations));
  // Uniform texel buffers and combined image samplers count against the sampled-image limit.
  const uint32_t sampled = uint32_t(__builtin_popcount(desc.texelBindings | desc.imageBindings));
  const uint32_t storage = desc.bindings - sampled;
  if (caps.maxBoundDescriptorSets < 1 || storage > caps.maxPerStageStorageBuffers || sampled > caps.maxPerStageSampledImages)
    throw Error(ErrorCode::Unsupported, "shader " + desc.shader + " binds " + std::to_string(storage) + " storage buffers and " +
                std::to_string(sampled) + " texel buffers or images in one set; this device allows " +
                std::to_string(caps.maxPerStageStorageBuffers) + " and " + std::to_string(caps.maxPerStageSampledImages) +
                " per shader, in " + std::to_string(caps.maxBoundDescriptorSets) + " sets");

  try {
    std::vector<VkDescriptorSetLayoutBinding> bindings(desc.bindings);
    for (uint32_t i = 0; i < desc.bindings; ++i) {
      bindings[i].binding = i;
      bindings[i].descriptorType = (desc.imageBindings >> i) & 1   ? VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER
                                   : (desc.texelBindings >> i) & 1 ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
                                                                   : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      bindings[i].descriptorCount = 1;
      bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo sl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    sl.bindingCount = desc.bindings;
    sl.pBindings = bindings.data();
    vkCheck(vk_->CreateDescriptorSetLayout(device_, &sl, nullptr, &setLayout_), "vkCreateDescriptorSetLayout for " + desc.shader);

    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.pushConstantBytes};
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &setLayout_;
    pl.pushConstantRangeCount = desc.pushConstantBytes ? 1 : 0;
    pl.pPushConstantRanges = &range;
    vkCheck(vk_->CreatePipelineLayout(device_, &pl, nullptr, &layout_), "vkCreatePipelineLayout for " + desc.shader);

    VkShaderModuleCreateInfo sm{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    sm.codeSize = spv->wordCount * sizeof(uint32_t);
    sm.pCode = spv->words;
    VkShaderModule module = VK_NULL_HANDLE;
    vkCheck(vk_->CreateShaderModule(device_, &sm, nullptr, &module), "vkCreateShaderModule for " + desc.shader);

    std::vector<VkSpecializationMapEntry> entries(desc.specialization.size());
    for (uint32_t i = 0; i < entries.size(); ++i) entries[i] = {i, uint32_t(i * sizeof(uint32_t)), sizeof(uint32_t)};
    VkSpecializationInfo spec{uint32_t(entries.size()), entries.data(), desc.specialization.size() * sizeof(uint32_t),
                              desc.specialization.data()};

    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    ci.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
    ci.layout = layout_;
    VkResult r = vk_->CreateComputePipelines(device_, gpu.pipelineCache(), 1, &ci, nullptr, &pipeline_);
    vk_->DestroyShaderModule(device_, module, nullptr);
    vkCheck(r, "vkCreateComputePipelines for " + desc.shader);
  } catch (...) {
    destroy();
    throw;
  }
}

ComputePipeline::~ComputePipeline() { destroy(); }

void ComputePipeline::destroy() {
  if (pipeline_) vk_->DestroyPipeline(device_, pipeline_, nullptr);
  if (layout_) vk_->DestroyPipelineLayout(device_, layout_, nullptr);
  if (setLayout_) vk_->DestroyDescriptorSetLayout(device_, setLayout_, nullptr);
  pipeline_ = VK_NULL_HANDLE;
  layout_ = VK_NULL_HANDLE;
  setLayout_ = VK_NULL_HANDLE;
}

DescriptorSet::DescriptorSet(Gpu& gpu, const ComputePipeline& pipeline, const std::vector<BufferView>& buffers,
                             const std::vector<ImageBinding>& images)
    : vk_(&gpu.vk()), device_(gpu.device()) {
  const auto& desc = pipeline.desc();
  if (buffers.size() != desc.bindings)
    throw Error("shader " + desc.shader + " takes " + std::to_string(desc.bindings) + " buffers, got " +
                std::to_string(buffers.size()));
  const uint32_t texels = uint32_t(__builtin_popcount(desc.texelBindings));
  const uint32_t imageCount = uint32_t(__builtin_popcount(desc.imageBindings));
  if (images.size() != imageCount)
    throw Error("shader " + desc.shader + " takes " + std::to_string(imageCount) + " images, got " +
                std::to_string(images.size()));
  std::vector<VkDescriptorPoolSize> sizes;
  if (desc.bindings > texels + imageCount)
    sizes.push_back({VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, desc.bindings - texels - imageCount});
  if (texels) sizes.push_back({VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, texels});
  if (imageCount) sizes.push_back({VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, imageCount});
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pi.maxSets = 1;
  pi.poolSizeCount = uint32_t(sizes.size());
  pi.pPoolSizes = sizes.data();
  vkCheck(vk_->CreateDescriptorPool(device_, &pi, nullptr, &pool_), "vkCreateDescriptorPool for " + desc.shader);
  VkDescriptorSetLayout layout = pipeline.setLayout();
  VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  ai.descriptorPool = pool_;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &layout;
  VkResult r = vk_->AllocateDescriptorSets(device_, &ai, &set_);
  if (r != VK_SUCCESS) {
    vk_->DestroyDescriptorPool(device_, pool_, nullptr);
    pool_ = VK_NULL_HANDLE;
    vkCheck(r, "vkAllocateDescriptorSets for " + desc.shader);
  }
  // A constructor that throws runs no destructor: release the pool and views here.
  try {
    std::vector<VkDescriptorBufferInfo> infos(buffers.size());
    std::vector<VkDescriptorImageInfo> imageInfos(buffers.size());
    std::vector<VkWriteDescriptorSet> writes(buffers.size());
    views_.assign(buffers.size(), VK_NULL_HANDLE);
    size_t nextImage = 0;
    for (size_t i = 0; i < buffers.size(); ++i) {
      writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[i].dstSet = set_;
      writes[i].dstBinding = uint32_t(i);
      writes[i].descriptorCount = 1;
      if ((desc.imageBindings >> i) & 1) {
        const ImageBinding& img = images[nextImage++];
        if (!img.view || !img.sampler) throw Error("shader " + desc.shader + ": image for binding " + std::to_string(i) + " is missing");
        imageInfos[i] = {img.sampler, img.view, img.layout};
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
        writes[i].pImageInfo = &imageInfos[i];
        continue;
      }
      const BufferView& v = buffers[i];
      if (!v) throw Error("shader " + desc.shader + ": buffer for binding " + std::to_string(i) + " is missing");
      const auto align = gpu.info().caps.minStorageBufferOffsetAlignment;
      if (v.offset + v.size > v.buffer->size() || (align && v.offset % align))
        throw Error("shader " + desc.shader + ": binding " + std::to_string(i) + " range [" + std::to_string(v.offset) +
                    ", +" + std::to_string(v.size) + ") is outside its buffer or misaligned");
      if (v.size > gpu.info().caps.maxStorageBufferRange)
        throw Error(ErrorCode::Unsupported, "shader " + desc.shader + ": binding " + std::to_string(i) + " spans " + std::to_string(v.size) +
                    " bytes, over this device's maxStorageBufferRange of " +
                    std::to_string(gpu.info().caps.maxStorageBufferRange) + "; use a smaller batch");
      infos[i] = {v.buffer->handle(), v.offset, v.size};
      if ((desc.texelBindings >> i) & 1) {
        const uint64_t texels = v.size / texelBytes(desc.texelFormat);
        if (texels > gpu.info().caps.maxTexelBufferElements)
          throw Error(ErrorCode::Unsupported, "shader " + desc.shader + ": binding " + std::to_string(i) + " reads " +
                      std::to_string(texels) + " texels through a texel buffer, over this device's maxTexelBufferElements of " +
                      std::to_string(gpu.info().caps.maxTexelBufferElements) + "; use a smaller batch or resolution");
        VkBufferViewCreateInfo vi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
        vi.buffer = v.buffer->handle();
        vi.format = desc.texelFormat;
        vi.offset = v.offset;
        vi.range = v.size;
        vkCheck(vk_->CreateBufferView(device_, &vi, nullptr, &views_[i]),
                "vkCreateBufferView for binding " + std::to_string(i) + " of " + desc.shader);
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
        writes[i].pTexelBufferView = &views_[i];
      } else {
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
      }
    }
    vk_->UpdateDescriptorSets(device_, uint32_t(writes.size()), writes.data(), 0, nullptr);
  } catch (...) {
    destroy();
    throw;
  }
}

DescriptorSet::~DescriptorSet() { destroy(); }

void DescriptorSet::destroy() {
  for (VkBufferView v : views_)
    if (v) vk_->DestroyBufferView(device_, v, nullptr);
  views_.clear();
  if (pool_) vk_->DestroyDescriptorPool(device_, pool_, nullptr);
  pool_ = VK_NULL_HANDLE;
}

DescriptorSet::DescriptorSet(DescriptorSet&& o) noexcept { *this = std::move(o); }

DescriptorSet& DescriptorSet::operator=(DescriptorSet&& o) noexcept {
  if (this != &o) {
    destroy();
    vk_ = o.vk_;
    device_ = o.device_;
    pool_ = o.pool_;
    set_ = o.set_;
    views_ = std::move(o.views_);
    o.views_.clear();
    o.pool_ = VK_NULL_HANDLE;
    o.set_ = VK_NULL_HANDLE;
  }
  return *this;
}

void recordDispatch(VkCommandBuffer cmd, const ComputePipeline& pipeline, const DescriptorSet& set,
                    const void* pushConstants, uint32_t pushBytes, const uint32_t invocations[3]) {
  const VulkanFunctions& vk = pipeline.vk();
  vk.CmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
  VkDescriptorSet s = set.handle();
  vk.CmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &s, 0, nullptr);
  if (pushBytes) vk.CmdPushConstants(cmd, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes, pushConstants);
  uint32_t groups[3];
  for (int a = 0; a < 3; ++a) {
    groups[a] = (invocations[a] + pipeline.localSize(a) - 1) / pipeline.localSize(a);
    if (groups[a] == 0 || groups[a] > pipeline.maxGroupCount[a])
      throw Error(ErrorCode::Unsupported, "shader " + pipeline.desc().shader + ": " + std::to_string(groups[a]) + " workgroups on axis " +
                  std::to_string(a) + ", device allows 1.." + std::to_string(pipeline.maxGroupCount[a]) +
                  "; the tensor is too large for one dispatch (use a smaller batch)");
  }
  vk.CmdDispatch(cmd, groups[0], groups[1], groups[2]);
}

}  // namespace mobilevk
