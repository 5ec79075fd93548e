#pragma once
// What the webcam sample does with one frame, by the kind of model: a classifier's top-5, a
// detector's boxes, a segmenter's class map blended over the frame, a pose estimator's skeletons.
// Each gives the fields of the frame's JSON line, a text line, the overlay panel's lines, and draws
// onto the picture shown.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "source.h"

struct LoadedModel {
  std::string path;
  mobilevk::Model model;
  std::unique_ptr<mobilevk::Network> net;
  std::vector<std::string> labels;
};

// How many lines a label file of the model has: a detector's or segmenter's classes, a
// classifier's outputs; 0 for a pose estimator (its keypoints are named by mobilevk/pose.h).
size_t labelCount(const mobilevk::Model& model);

struct TaskSettings {
  float threshold = 0.5f;          // the lowest box or pose score shown
  float keypointThreshold = 0.5f;  // the lowest keypoint score drawn
  float maskAlpha = 0.5f;          // the class colours' weight over the frame
};

struct FrameResult {
  double inferMs = 0;                // the network's part: upload, device, readback, any host tail
  nlohmann::json fields;             // merged into the frame's JSON line
  std::string text;                  // the headless text line
  std::vector<std::string> overlay;  // the panel's lines
};

// A classifier's picture is the whole frame (with the classified square outlined); the others draw
// onto the very pixels they were given (the frame or its crop).
bool drawsOnInput(const mobilevk::Model& model);

// Runs the model on `input`; where `shown` is not null (a copy of `input` for drawsOnInput models)
// draws what it found onto it.
FrameResult runTask(const LoadedModel& m, const Frame& input, const TaskSettings& settings, Frame* shown);
