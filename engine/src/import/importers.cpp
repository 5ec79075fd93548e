#include "import/importers.h"

#include <sys/stat.h>

#include <fstream>

#include "mobilevk/error.h"

namespace mobilevk {

std::vector<uint8_t> readFileBytes(const std::string& path, uint64_t maxBytes) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw Error(path + ": no such file");
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, expected a file");
  if (uint64_t(st.st_size) > maxBytes)
    throw Error(path + ": " + std::to_string(st.st_size) + " bytes, over the limit of " + std::to_string(maxBytes));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot be opened for reading");
  std::vector<uint8_t> bytes(size_t(st.st_size));
  if (!bytes.empty() && !f.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size())))
    throw Error(path + ": read failed");
  return bytes;
}

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
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw Error(path + ": no such file or directory");
  auto endsWith = [&](const char* suffix) {
    const std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (S_ISDIR(st.st_mode) || endsWith(".json")) return importKeras(path);
  if (endsWith(".tflite")) return importTflite(path);
  // Unknown extension: sniff the TFLite identifier, else refuse.
  std::ifstream f(path, std::ios::binary);
  char head[8] = {};
  f.read(head, 8);
  if (f.gcount() == 8 && std::string(head + 4, 4) == "TFL3") return importTflite(path);
  throw Error(path + ": unknown model format (expected a .tflite file, or a Keras/TF.js model.json or its directory)");
}

}  // namespace mobilevk
