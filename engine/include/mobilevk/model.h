#pragma once
// A network to run: loaded from a real model file, or built as the paper's MobileNetV1 with random
// weights (for benchmarks and shape studies). Immutable once made; cheap to copy (shared).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mobilevk/tensor.h"

namespace mobilevk {

struct Graph;  // internal

// How 8-bit RGB pixels become the model's input: value = pixel * scale[c] + offset[c].
struct InputSpec {
  int height = 224, width = 224, channels = 3;
  float scale[3] = {1.0f / 127.5f, 1.0f / 127.5f, 1.0f / 127.5f};
  float offset[3] = {-1.0f, -1.0f, -1.0f};
  std::string source;  // where the normalization came from ("input quantization", "Keras MobileNet", ...)
};

struct LayerSummary {
  std::string name;
  std::string type;              // "Conv2D", "DepthwiseConv", "PointwiseConv", "FullyConnected", ...
  int strideY = 1, strideX = 1;
  std::vector<int> filterShape;  // e.g. {3, 3, 3, 32} (kH, kW, in, out); {3, 3, 32} depthwise; empty if none
  Shape outputShape;             // batch 1
  std::string activation;
  uint64_t macs = 0, params = 0;
};

struct MobileNetV1Options {
  float alpha = 1.0f;     // width multiplier: every layer has int(channels * alpha) channels
  int resolution = 224;   // input height and width
  int classes = 1000;     // 0: backbone only (pooled features)
  bool softmax = true;
  uint32_t seed = 1;      // random weights (speed does not depend on their values)
};

// MobileNetV2 (Sandler et al. 2018): the stem conv, 17 inverted residual blocks (1x1 expand by 6,
// 3x3 depthwise, linear 1x1 project; a residual ADD where shapes match), a 1x1 conv to 1280, pooling,
// FC. Channels are int(c * alpha) rounded to a multiple of 8 (at least 90% of it), as the paper's
// code does; the last conv keeps 1280 below alpha 1.
struct MobileNetV2Options {
  float alpha = 1.0f;     // 0.35 .. 1.4 in the paper
  int resolution = 224;   // 96 .. 224 in the paper
  int classes = 1000;
  bool softmax = true;
  uint32_t seed = 1;
};

// How a quantized file maps a tensor's integers to real numbers: real = scale * (q - zeroPoint),
// q a uint8 (isSigned false) or int8 value.
struct Quantization {
  bool isSigned = false;
  float scale = 0.0f;
  int32_t zeroPoint = 0;
};

class Model {
 public:
  // A .tflite file, or a Keras/TF.js layers model (its directory or its model.json).
  // Throws mobilevk::Error naming the file, the layer/op and the problem.
  static Model load(const std::string& path);
  // A .tflite model from bytes in memory (assets an engine packs itself); copied, so `data` may be
  // freed afterwards. `name` stands for it in messages. Garbage gives ErrorCode::InvalidModel.
  static Model fromTflite(const void* data, size_t size, const std::string& name = "TFLite model in memory");
  // The paper's MobileNetV1 with random weights (BN folded, ReLU6 after every conv).
  static Model mobileNetV1(const MobileNetV1Options& options);
  // The paper's MobileNetV2 with random weights, likewise.
  static Model mobileNetV2(const MobileNetV2Options& options);

  const std::string& name() const;
  const std::string& format() const;  // "tflite", "keras", "builtin"
  const InputSpec& input() const;
  // Replaces the pixel normalization (for float models whose file does not say it).
  void setInputNormalization(const float scale[3], const float offset[3], const std::string& source);
  Shape inputShape(int batch = 1) const;
  Shape outputShape(int batch = 1) const;  // output 0
  // The model's outputs: how many, and each one's shape at a batch size.
  size_t outputCount() const;
  Shape outputShape(size_t i, int batch) const;
  std::vector<LayerSummary> layers() const;
  uint64_t totalMacs() const;
  uint64_t totalParams() const;
  // True for a quantized file (TFLite uint8 or int8) whose every layer carries its own integers:
  // integer execution can run it. integerExecutionProblem() says why a quantized file cannot ("" if
  // it can or is not quantized), e.g. a requantization scale outside what the arithmetic supports.
  bool hasIntegerExecution() const;
  std::string integerExecutionProblem() const;
  // True for an SSD detector: the model ends in TFLite_Detection_PostProcess, whose four outputs
  // (boxes, classes, scores, count) are the model's (mobilevk/detection.h).
  bool isDetector() const;
  // A detector's number of classes (num_classes: the lines of its label file); 0 for other models.
  int detectorClasses() const;
  // True for a segmentation model: output 0 is ARG_MAX over the channels of an image (DeepLabV3),
  // a class per pixel (mobilevk/segmentation.h; Network::segment).
  bool isSegmenter() const;
  // A segmenter's number of classes (the channels its ARG_MAX compares); 0 for other models.
  int segmenterClasses() const;
  // True for a pose estimator: the model ends in Coral's PosenetDecoderOp, whose four outputs
  // (keypoints, keypoint scores, pose scores, count) are the model's (mobilevk/pose.h).
  bool isPoseEstimator() const;
  // The input and output tensors' quantization; throws unless hasIntegerExecution(). An output of
  // class indices (ARG_MAX) gives the grid integer execution stores them on: uint8, scale 1, zero
  // point 0, so that the dequantized value is the index.
  Quantization inputQuantization() const;
  Quantization outputQuantization() const;  // output 0
  // Output i's quantization; throws unless hasIntegerExecution() and output i is 8-bit.
  Quantization outputQuantization(size_t i) const;

 private:
  friend struct ModelAccess;  // mobilevk's own code: engine/src/graph/model_access.h
  explicit Model(std::shared_ptr<Graph> g);
  std::shared_ptr<Graph> graph_;
};

}  // namespace mobilevk
