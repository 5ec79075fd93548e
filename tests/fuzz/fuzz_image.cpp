// Fuzz target: the image decoder entry point (stb_image behind mobilevk's size checks), then the
// resize the classifier applies, on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "mobilevk/error.h"
#include "mobilevk/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const mobilevk::Image img = mobilevk::decodeImage(data, size, "fuzz image");
    if (uint64_t(img.width) * img.height <= (1u << 20)) mobilevk::resizeBilinear(img, 32, 32);
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
