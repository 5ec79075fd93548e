#pragma once
// Class labels for a model's outputs, and its top-k classes.
#include <cstddef>
#include <string>
#include <vector>

namespace mobilevk {

// One label per line (a trailing '\r' is dropped). Throws mobilevk::Error naming the file.
std::vector<std::string> readLabels(const std::string& path);

// The first labels/*_<classes>.txt holding exactly `classes` lines, looked for in the model's
// directory and up to three directories above it (the layout of ../shared: models/ beside labels/).
// Empty when there is none.
std::string findLabelFile(const std::string& modelPath, size_t classes);

// The labels of a model with `classes` outputs, the one rule for the CLI and the samples:
// `explicitPath` when given, which must hold exactly `classes` lines (a label file of another
// length belongs to another model: refused, InvalidArgument, naming the file and both counts);
// otherwise findLabelFile(modelPath, classes)'s, or none (empty). `usedPath` gets the file read.
std::vector<std::string> labelsForModel(const std::string& explicitPath, const std::string& modelPath, size_t classes,
                                        std::string* usedPath = nullptr);

// Indices of the k largest of `count` values, largest first (k <= count).
std::vector<int> topK(const float* values, size_t count, size_t k);
inline std::vector<int> topK(const std::vector<float>& values, size_t k) { return topK(values.data(), values.size(), k); }

}  // namespace mobilevk
