#pragma once
// The CLI's --pipeline-cache file (the library only takes and returns the blob): mobilevk's own
// header around the driver's blob, so
// that a file we did not write is recognised and never overwritten (a mistyped --pipeline-cache
// must not destroy a user's document).
//   bytes 0..15  "mobilevk-pcache\n" (magic, format version 1 in the last header word)
//   bytes 16..19 format version (little-endian uint32, 1)
//   bytes 20..27 driver blob size (little-endian uint64)
//   bytes 28..   the blob from vkGetPipelineCacheData
#include <cstdint>
#include <string>
#include <vector>

namespace mobilevk {

// Limit on a cache file's size (driver caches for a whole network are a few MiB).
constexpr uint64_t kMaxPipelineCacheFileBytes = 256ull << 20;

// The driver blob stored at `path`: empty when there is no file (or an empty one, which holds
// nothing to lose). Throws mobilevk::Error naming the path when it is not a regular file, is over
// the limit, or is not a mobilevk pipeline cache (then it must not be written over either).
std::vector<uint8_t> readPipelineCacheFile(const std::string& path);

// Writes `blob` to `path` atomically; refuses (throws) when `path` now holds anything but a
// mobilevk pipeline cache or an empty regular file.
void writePipelineCacheFile(const std::string& path, const std::vector<uint8_t>& blob);

}  // namespace mobilevk
