#pragma once
// A model made ready to run on one context's device for a fixed batch size: every pipeline,
// descriptor set and buffer is created, and the whole network is recorded into one command buffer,
// at construction. run() then only copies the input in, submits that command buffer, waits, and
// copies the output out: no allocation, pipeline creation or recording per inference.
#include <cstdint>
#include <memory>
#include <vector>

#include "mobilevk/context.h"
#include "mobilevk/model.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

struct NetworkOptions {
  int batch = 1;
  // Keep every layer's output alive (no buffer reuse) so layerOutput() can read it; for debugging
  // and `mobilevk compare`.
  bool keepLayerOutputs = false;
  // Record a GPU timestamp after every dispatch so lastTimings() can report per-layer times.
  bool profile = false;
  Precision precision = Precision::FP32;
};

struct RunTimings {
  double gpuMs = 0;              // first dispatch start to last dispatch end, from GPU timestamps
  std::vector<double> layerMs;   // per layer
};

class Network {
 public:
  Network(Context& context, const Model& model, const NetworkOptions& options = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // input: NHWC float, shape inputShape() (already normalized). Returns the last layer's output,
  // shape outputShape(). One run at a time per Network (calls are serialized).
  HostTensor run(const HostTensor& input);
  // Output of layer i from the last run(); needs keepLayerOutputs.
  HostTensor layerOutput(size_t i) const;
  size_t layerCount() const;
  // GPU timings of the last run(); needs profile.
  RunTimings lastTimings() const;

  Shape inputShape() const;
  Shape outputShape() const;
  // Device memory: the planned arena for input, intermediates and output; the weights; staging.
  uint64_t activationBytes() const;
  uint64_t weightBytes() const;
  uint64_t stagingBytes() const;
  // Barriers recorded between the dispatches (fewer than layers when nothing depends).
  size_t barrierCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The CPU reference path: the same model computed with plain double-accumulating loops. With
// layerOutputs, every layer's output is kept.
HostTensor runReference(const Model& model, const HostTensor& input, std::vector<HostTensor>* layerOutputs = nullptr);

}  // namespace mobilevk
