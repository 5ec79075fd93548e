#pragma once
// Semantic segmentation: a class per pixel (a model ending in ARG_MAX over its class channels, as
// DeepLabV3: Model::isSegmenter), how much of the image each class covers, and the map blended
// over an image.
#include <cstdint>
#include <vector>

#include "mobilevk/image.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

// The share of image `batchIndex`'s pixels (0..1) of each of `classes` classes in a class map
// ([N, H, W, 1], Network::segment or readIndices). Throws InvalidArgument for a map of another
// shape, a batch index outside it, or an index outside [0, classes).
std::vector<double> classShares(const IndexTensor& classMap, int classes, int batchIndex = 0);

// A class present in a map and the share of the pixels it covers.
struct ClassShare {
  int classId = 0;
  double share = 0;
};
// The classes of classShares that cover any pixel, the largest share first (equal shares in class
// order).
std::vector<ClassShare> classesByShare(const IndexTensor& classMap, int classes, int batchIndex = 0);

// Blends the colour of each pixel's class (segmentationColour) over 8-bit pixels (rows of
// width * channels bytes, channels 3 or 4, RGB first) with weight `alpha` (0..1): the map is
// scaled to the image by nearest neighbour (the model saw the whole image resized to its input).
// Class 0 (the background in PASCAL VOC, COCO and Cityscapes-style label files) is left as it is.
void drawSegmentation(uint8_t* pixels, int width, int height, int channels, const IndexTensor& classMap, float alpha = 0.5f,
                      int batchIndex = 0);
void drawSegmentation(Image& image, const IndexTensor& classMap, float alpha = 0.5f, int batchIndex = 0);
// The colour of a class: PASCAL VOC's colour map (class 15, person, is (192, 128, 128)), RGB.
void segmentationColour(int classId, uint8_t rgb[3]);

}  // namespace mobilevk
