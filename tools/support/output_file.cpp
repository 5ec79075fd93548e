#include "output_file.h"

#include "io/file_io.h"

namespace mobilevk {

void writeOutputFile(const std::string& path, const std::vector<uint8_t>& bytes, bool overwrite) {
  writeFileAtomically(path, bytes.data(), bytes.size(), overwrite ? Replace::RegularFile : Replace::Never);
}

}  // namespace mobilevk
