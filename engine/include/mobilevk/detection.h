#pragma once
// Object detection: what an SSD model's post-process (TFLite_Detection_PostProcess) reports, read
// from its four outputs, and drawn onto an image.
#include <cstdint>
#include <string>
#include <vector>

#include "mobilevk/image.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

struct Detection {
  int classId = 0;  // the model's class (0-based, the background excluded): line classId of its label file
  float score = 0;
  float ymin = 0, xmin = 0, ymax = 0, xmax = 0;  // the box, normalized to the input image (0..1)
};

// The detections in a detector's four outputs (boxes [1, D, 4], classes [1, D], scores [1, D],
// count [1], as Network::runOutputs and readOutputs give them) whose score is at least
// `scoreThreshold`, in the model's order (best first). Throws InvalidArgument naming the output
// whose size does not fit the others.
std::vector<Detection> detectionsFromOutputs(const std::vector<HostTensor>& outputs, float scoreThreshold = 0.0f);

// Draws each detection onto 8-bit pixels (rows of width * channels bytes, channels 3 or 4, RGB
// first): a two-pixel box outline in the colour of its class, and a tag above its top-left corner
// with its label ("dog 0.82"; the class number where `labels` lacks it) in stb_easy_font's glyphs.
void drawDetections(uint8_t* pixels, int width, int height, int channels, const std::vector<Detection>& detections,
                    const std::vector<std::string>& labels);
void drawDetections(Image& image, const std::vector<Detection>& detections, const std::vector<std::string>& labels);
// The colour drawDetections gives a class's box (RGB).
void detectionColour(int classId, uint8_t rgb[3]);

}  // namespace mobilevk
