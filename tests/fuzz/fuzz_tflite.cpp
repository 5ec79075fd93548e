// Fuzz target: the TFLite reader on arbitrary bytes. It must either build a graph whose shapes
// infer, or throw mobilevk::Error; anything else (crash, leak, hang, sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>

#include "graph/model_access.h"
#include "import/importers.h"
#include "mobilevk/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    // A Model validates the graph (weights, windows, shapes), as Model::load does.
    const mobilevk::Model model =
        mobilevk::ModelAccess::model(mobilevk::importTfliteBytes(std::vector<uint8_t>(data, data + size), "fuzz.tflite"));
    model.outputShape();
  } catch (const mobilevk::Error&) {
  }
  return 0;
}
