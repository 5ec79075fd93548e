#pragma once
// The CPU reference path: the same model computed with plain double-accumulating loops, the ground
// truth the GPU is tested against. Needs no Vulkan.
#include <vector>

#include "mobilevk/model.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

// With layerOutputs, every layer's output is kept.
HostTensor runReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs = nullptr);

}  // namespace mobilevk
