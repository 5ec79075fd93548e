// Fuzz target: the Keras/TF.js reader on an arbitrary model.json, with the real weight shards of
// the shared Keras model beside it (so layer and weight-manifest parsing are reached).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "import/importers.h"
#include "mobilevk/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const char* env = std::getenv("MOBILEVK_FUZZ_KERAS_DIR");
    return std::string(env ? env : MOBILEVK_SHARED_DIR "/models/mobilenet_v1_0.75_224_keras");
  }();
  try {
    auto graph = mobilevk::importKerasJson(std::string(reinterpret_cast<const char*>(data), size), dir);
    graph->inferShapes(1);
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
