#pragma once
// The CPU reference path: the same model computed with plain double-accumulating loops, the ground
// truth the GPU is tested against. Needs no Vulkan.
#include <vector>

#include "mobilevk/model.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

// With layerOutputs, every layer's output is kept.
HostTensor runReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs = nullptr);
// Every output of the model, in the model's order (runReference gives output 0).
std::vector<HostTensor> runReferenceOutputs(const Model& model, const HostTensor& input,
                                            std::vector<HostTensor>* layerOutputs = nullptr);

// Integer execution on the CPU: a quantized TFLite model run with TFLite's own integer arithmetic
// (int32 accumulation, every layer's output requantized onto its 8-bit grid). `input` is given as
// for runReference and first put on the input's grid (quantizeInput); the output comes back
// dequantized (real = scale * (q - zeroPoint), see Model::outputQuantization), as do the layer
// outputs kept with layerOutputs. Throws unless model.hasIntegerExecution().
HostTensor runIntegerReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs = nullptr);
std::vector<HostTensor> runIntegerReferenceOutputs(const Model& model, const HostTensor& input,
                                                   std::vector<HostTensor>* layerOutputs = nullptr);
// `input` on the model's input grid: q = round(x / scale) + zeroPoint (ties to even), saturated to
// the input type; the integers the model's input tensor holds.
std::vector<int32_t> quantizeInput(const Model& model, const HostTensor& input);

}  // namespace mobilevk
