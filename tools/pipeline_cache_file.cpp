#include "pipeline_cache_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "io/file_io.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

const char kMagic[16] = {'m', 'o', 'b', 'i', 'l', 'e', 'v', 'k', '-', 'p', 'c', 'a', 'c', 'h', 'e', '\n'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 28;

uint64_t readLe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

void appendLe(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

}  // namespace

std::vector<uint8_t> readPipelineCacheFile(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return {};  // first start: nothing cached yet
  const std::vector<uint8_t> bytes = readRegularFile(path, kMaxPipelineCacheFileBytes);
  if (bytes.empty()) return {};
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw Error(ErrorCode::IO, path + ": is not a mobilevk pipeline cache (no mobilevk header); refusing to use or overwrite it "
                       "(name a new file, or delete this one if it is yours)");
  const uint32_t version = uint32_t(readLe(bytes.data() + 16, 4));
  const uint64_t size = readLe(bytes.data() + 20, 8);
  // Ours but unusable (another format version, cut short): nothing to lose, rewritten at exit.
  if (version != kVersion || size != bytes.size() - kHeaderBytes) return {};
  return std::vector<uint8_t>(bytes.begin() + kHeaderBytes, bytes.end());
}

void writePipelineCacheFile(const std::string& path, const std::vector<uint8_t>& blob) {
  readPipelineCacheFile(path);  // throws unless the file is absent, empty or ours
  std::vector<uint8_t> file(kMagic, kMagic + sizeof kMagic);
  appendLe(file, kVersion, 4);
  appendLe(file, blob.size(), 8);
  file.insert(file.end(), blob.begin(), blob.end());
  writeFileAtomically(path, file.data(), file.size(), Replace::RegularFile);
}

}  // namespace mobilevk
