#pragma once
// Model importers. Each builds a Graph (validated once, when it becomes a Model), or throws
// mobilevk::Error naming the file, the layer or operator, and what was expected versus found. Nothing outside the supported set is
// ever run approximately: an unknown op or option is refused.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/detection.h"
#include "graph/pose.h"
#include "graph/graph.h"

namespace mobilevk {

std::shared_ptr<Graph> importTflite(const std::string& path);
std::shared_ptr<Graph> importKeras(const std::string& path);  // directory or model.json
// The same from bytes already in memory (fuzzing, embedded models). `name` / `dir` stand for the
// file in messages; Keras weight shards are read from `dir`.
std::shared_ptr<Graph> importTfliteBytes(std::vector<uint8_t> bytes, const std::string& name);
std::shared_ptr<Graph> importKerasJson(const std::string& json, const std::string& dir);
// Picks the importer from the path: *.tflite, a directory, or *.json.
std::shared_ptr<Graph> importModel(const std::string& path);

// TFLite_Detection_PostProcess's options from its custom-options flexbuffer map; throws
// InvalidModel naming `who` and the option that is missing, not a number, or out of range.
DetectionOptions parseDetectionOptions(const uint8_t* bytes, size_t size, const std::string& who);
// PosenetDecoderOp's options (max_detections, score_threshold, stride, nms_radius), likewise.
PoseOptions parsePoseOptions(const uint8_t* bytes, size_t size, const std::string& who);

// Keras HWIO [kH][kW][in][out] -> mobilevk OHWI [out][kH][kW][in].
std::vector<float> hwioToOhwi(const std::vector<float>& w, int kH, int kW, int in, int out);

}  // namespace mobilevk
