#pragma once
// Pose estimation: what a PoseNet model's decoder (Coral's PosenetDecoderOp, Model::isPoseEstimator)
// reports, read from its four outputs, and drawn onto an image as skeletons.
#include <array>
#include <cstdint>
#include <vector>

#include "mobilevk/image.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

constexpr int kKeypointCount = 17;

struct Keypoint {
  float x = 0, y = 0;  // normalized to the image (0..1): the model saw the whole image resized to its input
  float score = 0;     // 0..1
};

struct Pose {
  float score = 0;                                  // 0..1
  std::array<Keypoint, kKeypointCount> keypoints;  // in COCO's order (keypointName)
};

// "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
// "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
// "right_knee", "left_ankle", "right_ankle"; throws InvalidArgument outside 0..16.
const char* keypointName(int keypoint);

// The pairs of keypoints drawPoses joins (the limbs, shoulders and hips, and the face).
const std::vector<std::array<int, 2>>& skeletonEdges();

// The poses in a pose estimator's four outputs (keypoints [1, D, 17, 2] as y, x in input pixels,
// keypoint scores [1, D, 17], pose scores [1, D], count [1], as Network::runOutputs and readOutputs
// give them) whose score is at least `scoreThreshold`, best first; `inputWidth` and `inputHeight`
// (the model's input) normalize the coordinates. Throws InvalidArgument naming the output whose
// size does not fit the others.
std::vector<Pose> posesFromOutputs(const std::vector<HostTensor>& outputs, int inputWidth, int inputHeight, float scoreThreshold = 0.0f);

// Draws each pose onto 8-bit pixels (rows of width * channels bytes, channels 3 or 4, RGB first):
// a line along each skeleton edge whose two keypoints score at least `minKeypointScore`, and a dot
// on each such keypoint, in the pose's colour (poseColour of its index).
void drawPoses(uint8_t* pixels, int width, int height, int channels, const std::vector<Pose>& poses, float minKeypointScore = 0.5f);
void drawPoses(Image& image, const std::vector<Pose>& poses, float minKeypointScore = 0.5f);
// The colour drawPoses gives pose i (RGB).
void poseColour(int pose, uint8_t rgb[3]);

}  // namespace mobilevk
