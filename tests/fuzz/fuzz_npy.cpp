// Fuzz target: the .npy reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "npy.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mobilevk::parseNpy(std::vector<uint8_t>(data, data + size), "fuzz.npy");
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
