#include "import/importers.h"

#include "io/file_io.h"
#include "mobilevk/error.h"

namespace mobilevk {

std::vector<float> hwioToOhwi(const std::vector<float>& w, int kH, int kW, int in, int out) {
  std::vector<float> r(w.size());
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x)
      for (int i = 0; i < in; ++i)
        for (int o = 0; o < out; ++o)
          r[((size_t(o) * kH + y) * kW + x) * in + i] = w[((size_t(y) * kW + x) * in + i) * out + o];
  return r;
}

std::shared_ptr<Graph> importModel(const std::string& path) {
  auto endsWith = [&](const char* suffix) {
    const std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (isDirectory(path) || endsWith(".json")) return importKeras(path);
  if (endsWith(".tflite")) return importTflite(path);
  // Unknown extension: sniff the TFLite identifier, else refuse.
  auto bytes = readRegularFile(path, 2ull << 30);
  if (bytes.size() >= 8 && std::string(bytes.begin() + 4, bytes.begin() + 8) == "TFL3")
    return importTfliteBytes(std::move(bytes), path);
  throw Error(ErrorCode::InvalidModel, path + ": unknown model format (expected a .tflite file, or a Keras/TF.js model.json or its directory)");
}

}  // namespace mobilevk
