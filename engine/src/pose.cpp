// Poses from a pose estimator's outputs, and drawing them (the public mobilevk/pose.h).
#include "mobilevk/pose.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "canvas.h"
#include "mobilevk/detection.h"
#include "mobilevk/error.h"

namespace mobilevk {

const char* keypointName(int keypoint) {
  static const char* const names[kKeypointCount] = {"nose",       "left_eye",       "right_eye",  "left_ear",    "right_ear",  "left_shoulder",
                                                    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                                                    "left_hip",   "right_hip",      "left_knee",  "right_knee",  "left_ankle", "right_ankle"};
  if (keypoint < 0 || keypoint >= kKeypointCount)
    throw Error(ErrorCode::InvalidArgument, "keypoint " + std::to_string(keypoint) + " outside [0, " + std::to_string(kKeypointCount) + ")");
  return names[keypoint];
}

const std::vector<std::array<int, 2>>& skeletonEdges() {
  static const std::vector<std::array<int, 2>> edges = {
      {0, 1},  {0, 2},  {1, 3},   {2, 4},                       // face
      {5, 6},  {11, 12}, {5, 11}, {6, 12},                      // shoulders, hips, torso
      {5, 7},  {7, 9},  {6, 8},   {8, 10},                      // arms
      {11, 13}, {13, 15}, {12, 14}, {14, 16}};                  // legs
  return edges;
}

std::vector<Pose> posesFromOutputs(const std::vector<HostTensor>& outputs, int inputWidth, int inputHeight, float scoreThreshold) {
  if (outputs.size() != 4)
    throw Error(ErrorCode::InvalidArgument, "a pose estimator has 4 outputs (keypoints, keypoint scores, pose scores, count), got " +
                std::to_string(outputs.size()));
  if (inputWidth <= 0 || inputHeight <= 0)
    throw Error(ErrorCode::InvalidArgument, "posesFromOutputs: an input of " + std::to_string(inputWidth) + "x" + std::to_string(inputHeight));
  const size_t slots = outputs[2].data.size();
  const char* misfit = outputs[0].data.size() != slots * kKeypointCount * 2 ? "0 (keypoints)"
                       : outputs[1].data.size() != slots * kKeypointCount ? "1 (keypoint scores)"
                       : outputs[3].data.size() != 1                      ? "3 (count)"
                                                                          : nullptr;
  if (misfit)
    throw Error(ErrorCode::InvalidArgument, std::string("pose estimator output ") + misfit + " does not fit " + std::to_string(slots) +
                " poses: outputs of " + std::to_string(outputs[0].data.size()) + ", " + std::to_string(outputs[1].data.size()) + ", " +
                std::to_string(slots) + " and " + std::to_string(outputs[3].data.size()) + " values (expected 34 D, 17 D, D and 1)");
  const float count = outputs[3].data[0];
  if (!(count >= 0) || count > float(slots))
    throw Error(ErrorCode::InvalidArgument, "pose estimator output count " + std::to_string(count) + " is not in [0, " + std::to_string(slots) + "]");
  std::vector<Pose> poses;
  for (size_t i = 0; i < size_t(count); ++i) {
    Pose p;
    p.score = outputs[2].data[i];
    if (!(p.score >= scoreThreshold)) continue;
    for (int k = 0; k < kKeypointCount; ++k) {
      const float* yx = &outputs[0].data[(i * kKeypointCount + size_t(k)) * 2];
      p.keypoints[size_t(k)] = {yx[1] / float(inputWidth), yx[0] / float(inputHeight), outputs[1].data[i * kKeypointCount + size_t(k)]};
    }
    poses.push_back(p);
  }
  std::stable_sort(poses.begin(), poses.end(), [](const Pose& a, const Pose& b) { return a.score > b.score; });
  return poses;
}

void poseColour(int pose, uint8_t rgb[3]) { detectionColour(pose, rgb); }

void drawPoses(uint8_t* pixels, int width, int height, int channels, const std::vector<Pose>& poses, float minKeypointScore) {
  if (!pixels || width <= 0 || height <= 0 || (channels != 3 && channels != 4))
    throw Error(ErrorCode::InvalidArgument, "drawPoses: " + std::to_string(width) + "x" + std::to_string(height) + " pixels of " +
                std::to_string(channels) + " channels (expected 3 or 4)");
  const Canvas c{pixels, width, height, channels};
  const float thickness = float(std::max(2, std::min(width, height) / 160));
  const auto at = [&](const Keypoint& k, float& x, float& y) { x = k.x * float(width), y = k.y * float(height); };
  for (size_t i = 0; i < poses.size(); ++i) {
    uint8_t rgb[3];
    poseColour(int(i), rgb);
    const auto& kp = poses[i].keypoints;
    for (const auto& e : skeletonEdges()) {
      const Keypoint &a = kp[size_t(e[0])], &b = kp[size_t(e[1])];
      if (!(a.score >= minKeypointScore && b.score >= minKeypointScore)) continue;
      float xa, ya, xb, yb;
      at(a, xa, ya), at(b, xb, yb);
      c.line(xa, ya, xb, yb, thickness, rgb);
    }
    const uint8_t white[3] = {255, 255, 255};
    for (const Keypoint& k : kp) {
      if (!(k.score >= minKeypointScore)) continue;
      float x, y;
      at(k, x, y);
      c.disc(x, y, thickness * 1.5f, rgb);
      c.disc(x, y, thickness * 0.75f, white);
    }
  }
}

void drawPoses(Image& image, const std::vector<Pose>& poses, float minKeypointScore) {
  if (image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error(ErrorCode::InvalidArgument, "drawPoses: the image's pixels do not match its size");
  drawPoses(image.rgb.data(), image.width, image.height, 3, poses, minKeypointScore);
}

}  // namespace mobilevk
