// Fuzz target: the Keras/TF.js reader on an arbitrary model.json, with the real weight shards of
// the shared Keras model beside it (so layer and weight-manifest parsing are reached).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "graph/model_access.h"
#include "import/importers.h"
#include "mobilevk/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const char* env = std::getenv("MOBILEVK_FUZZ_KERAS_DIR");
    return std::string(env ? env : MOBILEVK_SHARED_DIR "/models/mobilenet_v1_0.75_224_keras");
  }();
  try {
    // A Model validates the graph (weights, windows, shapes), as Model::load does.
    const mobilevk::Model model = mobilevk::ModelAccess::model(
        mobilevk::importKerasJson(std::string(reinterpret_cast<const char*>(data), size), dir));
    model.outputShape();
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
