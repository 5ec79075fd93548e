#include "mobilevk/error.h"
#include "mobilevk/image.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

namespace mobilevk {

std::vector<uint8_t> encodePng(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error(ErrorCode::InvalidArgument, "encodePng: the image's pixels do not match its size");
  std::vector<uint8_t> out;
  const auto append = [](void* context, void* data, int size) {
    auto* bytes = static_cast<std::vector<uint8_t>*>(context);
    bytes->insert(bytes->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &out, image.width, image.height, 3, image.rgb.data(), image.width * 3))
    throw Error(ErrorCode::Internal, "encodePng: stb_image_write failed");
  return out;
}

}  // namespace mobilevk
