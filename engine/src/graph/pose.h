#pragma once
// PoseNet's multi-pose decoder as Coral's custom op PosenetDecoderOp computes it (google-coral/
// libcoral, coral/pose_estimation/posenet_decoder.cc; after PersonLab, Papandreou et al. 2018,
// arXiv 1803.08225): local maxima of 17 keypoint heatmaps seed poses, which grow along a tree of 16
// edges by the mid-range offsets, refined by the short-range ones; keypoint NMS between poses and
// soft rescoring. A host node (graph/op_list.h): it runs on the CPU after the readback of its inputs.
#include <string>
#include <vector>

namespace mobilevk {

constexpr int kPoseKeypoints = 17;  // COCO's: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles
constexpr int kPoseEdges = 16;      // the tree joining them (each traversed both ways)

// The custom op's flexbuffer options (the names are the file's keys).
struct PoseOptions {
  int maxDetections = 20;       // max_detections
  float scoreThreshold = 0.5f;  // score_threshold: the lowest keypoint probability (seeds) and pose score kept
  int stride = 16;              // stride: input pixels per heatmap cell
  float nmsRadius = 20.0f;      // nms_radius, in input pixels
  // Throws InvalidModel naming `who` and the option when one is out of range.
  void validate(const std::string& who) const;
};

// The op's outputs in its layout: keypoints [maxDetections][17][2] (y, x in input pixels), keypoint
// scores [maxDetections][17], pose scores [maxDetections], and the count. Slots past the count
// are zero.
struct PoseResult {
  std::vector<float> keypoints, keypointScores, poseScores;
  float count = 0;
};

// `heatmaps` [height][width][17] (logits), `shortOffsets` [height][width][34] (17 y, then 17 x) and
// `midOffsets` [height][width][64] (16 forward y, 16 forward x, 16 backward y, 16 backward x), the
// offsets in input pixels, as the op reads them (dequantized).
PoseResult decodePoses(const PoseOptions& options, const float* heatmaps, const float* shortOffsets, const float* midOffsets,
                       int height, int width);

}  // namespace mobilevk
