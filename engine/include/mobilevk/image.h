#pragma once
// Image input: photos (JPEG, PNG, BMP via stb_image) turned into model input.
#include <cstdint>
#include <string>
#include <vector>

#include "mobilevk/model.h"
#include "mobilevk/tensor.h"

namespace mobilevk {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // row-major, 3 bytes per pixel
};

// Decodes a JPEG, PNG or BMP file to 8-bit RGB. Throws naming the file and the decoder's reason.
Image loadImage(const std::string& path);
Image decodeImage(const uint8_t* data, size_t size, const std::string& what);

// Resizes the whole image (no crop) with a triangle ("bilinear") filter whose support widens with
// the downscale factor, as PIL's Image.resize(BILINEAR) does: horizontal pass, then vertical, each
// rounded to 8 bits. Upscaling is plain bilinear with half-pixel centres; equal size is a copy.
Image resizeBilinear(const Image& image, int width, int height);

// The image as PNG file bytes (stb_image_write).
std::vector<uint8_t> encodePng(const Image& image);

// Resizes each image to the model input and applies its normalization; returns [N, H, W, 3].
HostTensor imagesToTensor(const std::vector<Image>& images, const InputSpec& spec);

}  // namespace mobilevk
