#include "mobilevk/labels.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "io/file_io.h"
#include "mobilevk/error.h"

namespace mobilevk {

std::vector<std::string> readLabels(const std::string& path) {
  const std::vector<uint8_t> bytes = readRegularFile(path, 64ull << 20);
  std::vector<std::string> labels;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = start;
    while (end < bytes.size() && bytes[end] != '\n') ++end;
    std::string line(bytes.begin() + long(start), bytes.begin() + long(end));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(std::move(line));
    start = end + 1;
  }
  return labels;
}

std::string findLabelFile(const std::string& modelPath, size_t classes) {
  struct stat st {};
  std::string dir = modelPath;
  if (stat(modelPath.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) dir = dir.substr(0, dir.find_last_of('/') + 1);
  if (dir.empty()) dir = ".";
  const std::string suffix = "_" + std::to_string(classes) + ".txt";
  for (int up = 0; up <= 3; ++up, dir += "/..") {
    const std::string labelsDir = dir + "/labels";
    DIR* d = opendir(labelsDir.c_str());
    if (!d) continue;
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      if (n.size() <= suffix.size() || n.compare(n.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
      try {
        if (readLabels(labelsDir + "/" + n).size() == classes) return labelsDir + "/" + n;
      } catch (const Error&) {
        // not a readable regular file (a FIFO, a broken link): not a candidate
      }
    }
  }
  return "";
}

std::vector<std::string> labelsForModel(const std::string& explicitPath, const std::string& modelPath, size_t classes,
                                        std::string* usedPath) {
  const std::string path = explicitPath.empty() ? findLabelFile(modelPath, classes) : explicitPath;
  if (path.empty()) return {};
  std::vector<std::string> labels = readLabels(path);
  if (labels.size() != classes)
    throw Error(ErrorCode::InvalidArgument, path + ": " + std::to_string(labels.size()) + " labels, the model has " +
                                                std::to_string(classes) + " outputs (a label file for another model?)");
  if (usedPath) *usedPath = path;
  return labels;
}

std::vector<int> topK(const float* values, size_t count, size_t k) {
  if (k > count) throw Error(ErrorCode::InvalidArgument, "top " + std::to_string(k) + " of " + std::to_string(count) + " values asked for");
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  // NaN ranks after every number (a plain '>' is no strict weak ordering with NaN: undefined).
  std::partial_sort(order.begin(), order.begin() + long(k), order.end(), [&](int a, int b) {
    const bool nanA = std::isnan(values[a]), nanB = std::isnan(values[b]);
    if (nanA || nanB) return !nanA && nanB;
    return values[a] > values[b];
  });
  order.resize(k);
  return order;
}

}  // namespace mobilevk
