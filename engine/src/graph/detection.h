#pragma once
// SSD's post-process as TFLite's custom op TFLite_Detection_PostProcess computes it: box encodings
// decoded against the anchors (centre-size, scaled), then fast or regular non-maximum suppression
// over the class scores. A host node (graph/op_list.h): it runs on the CPU after the readback of its
// two inputs, in the arithmetic of LiteRT's kernel (tflite/kernels/detection_postprocess.cc), so
// that its four outputs equal LiteRT's bit for bit.
#include <string>
#include <vector>

namespace mobilevk {

// The custom op's flexbuffer options (the names are the file's keys).
struct DetectionOptions {
  int maxDetections = 10;              // max_detections
  int maxClassesPerDetection = 1;      // max_classes_per_detection (fast NMS)
  int detectionsPerClass = 100;        // detections_per_class (regular NMS)
  float scoreThreshold = 0.0f;         // nms_score_threshold: scores below it are dropped
  float iouThreshold = 0.5f;           // nms_iou_threshold: a box overlapping a kept one by more is dropped
  int numClasses = 90;                 // num_classes (without the background class)
  bool useRegularNms = false;          // use_regular_nms
  float yScale = 10, xScale = 10, hScale = 5, wScale = 5;  // y_scale, x_scale, h_scale, w_scale
  // Throws InvalidModel naming `who` and the option when one is out of range (zero classes,
  // thresholds outside (0, 1] or negative, no detections...).
  void validate(const std::string& who) const;
  int outputBoxes() const { return maxDetections * maxClassesPerDetection; }
};

// An anchor box in centre-size form, as the file stores it (dequantized like LiteRT does).
struct Anchor {
  float y, x, h, w;
};

// The op's four outputs in LiteRT's layout: boxes [outputBoxes][4] (ymin, xmin, ymax, xmax), classes
// [outputBoxes] (0-based, without the background), scores [outputBoxes], and the count. Slots past
// the count are zero.
struct DetectionResult {
  std::vector<float> boxes, classes, scores;
  float count = 0;
};

// `boxes` holds numBoxes rows of `boxStride` floats (the first four are y, x, h, w encodings),
// `scores` numBoxes rows of `scoreStride` floats (classes with the background first where
// scoreStride = numClasses + 1). Throws InvalidModel naming `who` when the shapes do not fit the
// anchors or options.
DetectionResult detectionPostProcess(const DetectionOptions& options, const std::vector<Anchor>& anchors, const float* boxes,
                                     int numBoxes, int boxStride, const float* scores, int scoreStride, const std::string& who);

}  // namespace mobilevk
