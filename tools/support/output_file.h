#pragma once
// Writing a file the user named (a PNG, ...): atomically, and over an existing regular file only
// with --overwrite (mobilevk's safe-write rules, io/file_io.h).
#include <cstdint>
#include <string>
#include <vector>

namespace mobilevk {

void writeOutputFile(const std::string& path, const std::vector<uint8_t>& bytes, bool overwrite);

}  // namespace mobilevk
