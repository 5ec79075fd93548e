#pragma once
// A model made ready to run on one context's device for a fixed batch size: every pipeline,
// descriptor set and buffer is created, and the whole network is recorded into one command buffer,
// at construction. run() then only copies the input in, submits that command buffer, waits, and
// copies the output out: no allocation, pipeline creation or recording per inference.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mobilevk/context.h"
#include "mobilevk/model.h"
#include "mobilevk/reference.h"
#include "mobilevk/detection.h"
#include "mobilevk/pose.h"
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
  // Fixed: `precision` as given. Auto (`--precision auto`): fp16 (its storage, and the fp16-arithmetic
  // kernel variants the tuner chose) only where `tuningCache` holds a decision for this model and
  // batch on this device that measured fp16 faster than fp32 and found top-1 equal and max |dprob|
  // <= 0.01 against fp32 on real images (tuneKernels with TuningOptions::precisionCheck); fp32
  // otherwise (no cache, no decision, fp16 slower or off, no 16-bit storage). `precision` is then
  // ignored; Network::precision() and precisionReason() say what ran and why.
  enum class PrecisionPolicy { Fixed, Auto } precisionPolicy = PrecisionPolicy::Fixed;
  // Integer: a quantized file's own integer arithmetic, as TFLite's runtime does it (8-bit tensors,
  // int32 accumulation, per-layer requantization; needs model.hasIntegerExecution(), ignores
  // `precision`); run() and readOutput() still take and give dequantized floats. Float: every layer
  // in float (a quantized file's weights dequantized; `precision` picks fp32 or fp16 storage).
  // Auto: Integer for a quantized file, Float otherwise.
  enum class Execution { Auto, Float, Integer } execution = Execution::Auto;
  // Integer execution's inner product for the convolutions that sum over channels (stem, pointwise,
  // fully connected). Packed: 4x8-bit dot products (VK_KHR_shader_integer_dot_product's OpSDot /
  // OpUDot on words of four 8-bit values); refused on a device without shaderIntegerDotProduct.
  // Plain: the products spelled out (byte unpacking, exact float sums of integer products), which
  // every device runs. Auto: Packed where the device has shaderIntegerDotProduct
  // (DeviceCapabilities::integerDotProduct), else Plain: even where the driver emulates them
  // (lavapipe), packed dot products measured faster than the plain loop. Both give the same
  // integers, bit for bit. Ignored by float execution.
  enum class DotProduct { Auto, Packed, Plain } dotProduct = DotProduct::Auto;
  // Independent activation memories (weights are shared), so several recorded inferences of this
  // model can be pending at once: frame f of record()/recordImageInput()/... uses its own.
  int framesInFlight = 1;
  // A tuning cache (mobilevk/tuning.h, `mobilevk tune`): the kernel variant measured fastest for
  // each layer shape on this device. Layers it does not cover run the device's default variant. A
  // cache made on another device or driver, written by another version, or corrupt is ignored with
  // a warning to the context's log, never an error.
  std::string tuningCache;
};

// A device tensor (NC4HW4, see tensor.h) inside a Network's memory, for hosts that read or write it
// from their own shaders. A [N,1,1,C] output is N rows of ceil(C/4)*4 values (zero-padded).
struct DeviceTensor {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, size = 0;
  Shape shape;
  Precision precision = Precision::FP32;
  // Integer execution: 8-bit values, four channels per 32-bit word (channel 4k+i in bits 8i..8i+7;
  // int8 as two's complement), real = quantization.scale * (q - quantization.zeroPoint).
  bool quantized = false;
  Quantization quantization;
};

// An image on the context's device: RGBA8 or BGRA8, UNORM or SRGB, any size (a camera frame, a
// render target). The view must be a 2-D color view of an image created with SAMPLED usage, in
// `layout` when the recorded commands execute. Channel order comes from the view format (a BGRA8
// view reads as RGB). An sRGB view decodes on read; mobilevk re-encodes, so both give the 8-bit
// values the model was trained on.
struct ImageSource {
  VkImageView view = VK_NULL_HANDLE;
  VkImageLayout layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  uint32_t width = 0, height = 0;
  // The view's format: R8G8B8A8 or B8G8R8A8, _UNORM or _SRGB. Anything else is refused.
  VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
  // Crop rectangle in pixels; width/height 0 means the whole image. It is resized whole (no aspect
  // preservation) to the model input, like the host path.
  int cropX = 0, cropY = 0, cropWidth = 0, cropHeight = 0;
};

// One of a network's outputs (a model may have several: a detector's boxes and scores).
struct OutputInfo {
  std::string name;  // the model's name for the tensor
  Shape shape;       // at the network's batch
  // Integer execution: the tensor's 8-bit grid (readOutput still gives dequantized floats).
  bool quantized = false;
  Quantization quantization;
  // Class indices (ARG_MAX's output, TFLite INT32 or INT64): whole numbers, which readIndices gives
  // as integers and readOutput as floats (exact). On the device each pixel's index is lane 0 of its
  // vec4 (float execution: a float; integer execution: the low byte of its word, scale 1, zero
  // point 0), the other lanes zero.
  bool indices = false;
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

  // input: NHWC float, shape inputShape() (already normalized). Returns output 0, shape
  // outputShape(). One run at a time per Network (calls are serialized).
  HostTensor run(const HostTensor& input);
  // The same, giving every output in order (outputCount() tensors).
  std::vector<HostTensor> runOutputs(const HostTensor& input);
  // The model's outputs: how many, and each one's name, shape and quantization.
  size_t outputCount() const;
  OutputInfo outputInfo(size_t i) const;
  // ---- Embedding in a host's frame (see ExternalVulkan in context.h) ----
  //
  // Synchronization contract for recordImageInput() and record(), recorded into the host's command
  // buffer, in that order, between the host's own work:
  //  * Before recordImageInput: the host's writes to the image (render pass, copy, camera upload)
  //    must be made visible to VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT / VK_ACCESS_SHADER_READ_BIT, and
  //    the image must be in `layout`. (For writes by the host into inputTensor() instead, the same
  //    stage and access.)
  //  * Between them mobilevk records its own barriers; record() also orders its first dispatch after
  //    recordImageInput's write.
  //  * After record(): outputTensor() was written at VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT /
  //    VK_ACCESS_SHADER_WRITE_BIT. The host barriers from there to its consumer (e.g. fragment
  //    shader read, or transfer read, or host read after its fence, then call readOutput()).
  //  * One recorded inference per frame slot may be pending at a time (each frame has its own
  //    activation memory): with NetworkOptions::framesInFlight = N, frame i % N for the i-th frame
  //    lets N frames be in flight. mobilevk never waits on the device in these calls.
  //  * run() and runPixels() use frame 0: do not mix them with a pending recorded frame 0.
  void recordImageInput(VkCommandBuffer cmd, const ImageSource& image, int batchIndex = 0, int frame = 0);
  void record(VkCommandBuffer cmd, int frame = 0);
  DeviceTensor inputTensor(int frame = 0) const;
  DeviceTensor outputTensor(int frame = 0) const;  // output 0
  DeviceTensor outputTensor(size_t i, int frame) const;
  // Downloads outputTensor(frame) (after the host's submission has completed).
  HostTensor readOutput(int frame = 0) const;  // output 0
  HostTensor readOutput(size_t i, int frame) const;
  std::vector<HostTensor> readOutputs(int frame = 0) const;  // every output
  int framesInFlight() const;
  // The same, self-submitted, for hosts that do not record: image input + network (+ a barrier
  // making the output host-readable) in mobilevk's own command buffer for `frame`, submitted to the
  // context's queue waiting on `wait` at `waitStage` and signalling `signal` and `fence` (each may
  // be VK_NULL_HANDLE). Returns without waiting; readOutput(frame) once `fence` has signalled.
  // The previous submission of the same frame must have completed.
  void submitImage(const ImageSource& image, int frame = 0, VkSemaphore wait = VK_NULL_HANDLE,
                   VkPipelineStageFlags waitStage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                   VkSemaphore signal = VK_NULL_HANDLE, VkFence fence = VK_NULL_HANDLE);
  // Descriptor sets are cached per image view: forget a view before destroying it.
  void forgetImageView(VkImageView view);

  // Host RGBA8 pixels (tightly packed rows) through the same GPU resize/normalize path: uploaded
  // into an image mobilevk owns, then classified. Blocks until the result is back. The image, its
  // staging buffer and recorded command buffer are kept per frame size for the next call, for at
  // most kPixelPathCacheSize sizes (least recently used dropped first), so a stream of ever-new
  // sizes costs bounded memory. A width or height over the device's maxImageDimension2D
  // (DeviceCaps) is refused: scale such an image down first.
  static constexpr size_t kPixelPathCacheSize = 4;
  HostTensor runPixels(const uint8_t* rgba, uint32_t width, uint32_t height);  // output 0
  std::vector<HostTensor> runPixelsOutputs(const uint8_t* rgba, uint32_t width, uint32_t height);

  // ---- Detectors (Model::isDetector: SSD with TFLite_Detection_PostProcess) ----
  // The device part ends the recorded command buffer; the post-process runs on the host when the
  // outputs are read (run*, readOutput*). detections() reads the outputs of a frame that has
  // completed (a host that records into its own command buffer calls it after its fence) and
  // returns those scoring at least `scoreThreshold` (mobilevk/detection.h); detect() runs host
  // pixels first (as runPixels). Both throw InvalidArgument for a network that is not a detector.
  std::vector<Detection> detections(float scoreThreshold = 0.0f, int frame = 0) const;
  std::vector<Detection> detect(const uint8_t* rgba, uint32_t width, uint32_t height, float scoreThreshold = 0.0f);
  // How long the host part (the post-process) took the last time outputs were read, in ms; 0 for
  // a network that runs wholly on the device.
  double hostMilliseconds() const;

  // ---- Segmenters (Model::isSegmenter: a class per pixel, DeepLabV3) ----
  // Output i's class indices (OutputInfo::indices) as integers, read as readOutput(i, frame) is;
  // throws InvalidArgument for an output of other values.
  IndexTensor readIndices(size_t i, int frame = 0) const;
  // A segmenter's class map [N, H, W, 1] of a completed frame (its output 0), and of host pixels
  // run first (as runPixels: [1, H, W, 1]). Both throw InvalidArgument for a network that is not a
  // segmenter.
  IndexTensor classMap(int frame = 0) const;
  IndexTensor segment(const uint8_t* rgba, uint32_t width, uint32_t height);

  // ---- Pose estimators (Model::isPoseEstimator: PoseNet with Coral's PosenetDecoderOp) ----
  // As for detectors: the decoder runs on the host when the outputs are read. poses() reads a
  // completed frame's outputs and returns the poses scoring at least `scoreThreshold`, best first,
  // keypoints normalized to the input (mobilevk/pose.h); estimatePoses() runs host pixels first
  // (as runPixels). Both throw InvalidArgument for a network that is not a pose estimator.
  std::vector<Pose> poses(float scoreThreshold = 0.0f, int frame = 0) const;
  std::vector<Pose> estimatePoses(const uint8_t* rgba, uint32_t width, uint32_t height, float scoreThreshold = 0.0f);

  // Output of layer i from the last run(); needs keepLayerOutputs.
  HostTensor layerOutput(size_t i) const;
  // The tensor of that name (the model's own name for it, as `mobilevk summary` lists layers).
  HostTensor layerOutput(const std::string& tensorName) const;
  size_t layerCount() const;
  // True when this network runs integer arithmetic (NetworkOptions::execution resolved).
  bool integerExecution() const;
  // True when integer execution uses packed 4x8-bit dot products (NetworkOptions::dotProduct resolved).
  bool packedDotProduct() const;
  // The storage precision the float layers run (NetworkOptions::PrecisionPolicy resolved), and one
  // line saying why (empty with PrecisionPolicy::Fixed).
  Precision precision() const;
  std::string precisionReason() const;
  // Per layer, the kernel variant it runs ("px4-oc8", ...; see `mobilevk tune`), "" for layer kinds
  // that have one kernel only, "fused" for a pointwise layer that runs inside the depthwise layer
  // before it (a fused-pw-* variant; its time then counts there).
  std::vector<std::string> kernelVariants() const;
  // GPU timings of the last run(); needs profile.
  RunTimings lastTimings() const;

  Shape inputShape() const;
  Shape outputShape() const;  // output 0
  Shape outputShape(size_t i) const;
  // Device memory: the planned arena for input, intermediates and output; the weights; staging.
  uint64_t activationBytes() const;
  uint64_t weightBytes() const;
  uint64_t stagingBytes() const;
  // Barriers recorded between the dispatches (fewer than layers when nothing depends).
  size_t barrierCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend struct InternalAccess;  // mobilevk's own code: engine/src/internal_access.h
};


}  // namespace mobilevk
