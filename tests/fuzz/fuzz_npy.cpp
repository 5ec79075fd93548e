// Fuzz target: the .npy reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "npy.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  try {
    mobilevk::parseNpy(bytes, "fuzz.npy");
  } catch (const mobilevk::Error&) {
  }
  try {  // also as --input-npy reads it: 8-bit integer arrays too
    mobilevk::NpyType type;
    mobilevk::parseNpy(bytes, "fuzz.npy", &type);
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
