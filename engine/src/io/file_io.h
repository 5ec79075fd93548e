#pragma once
// Every file mobilevk reads or writes goes through these two functions, so that the rules for the
// user's files live in one place:
//  * reads open with O_NONBLOCK (a FIFO never blocks us) and accept regular files only, up to a
//    size limit checked while reading (a file that grows, or /dev/zero, cannot exhaust memory);
//  * writes never touch the target until the new content is complete and on disk: a temporary file
//    created exclusively (mkstemp: O_CREAT|O_EXCL, so a planted symlink is never followed) in the
//    target's directory, fsync, then rename. Only a regular file is ever replaced, and only when
//    the caller allows it; a symlink (dangling or not), FIFO, device or directory is refused by name.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mobilevk {

// "a FIFO", "a directory", "a symbolic link", ... for a st_mode.
std::string fileTypeName(unsigned mode);

// The whole content of the regular file `path`. Throws mobilevk::Error naming the path and the
// reason (missing, a symlink loop, not a regular file, over maxBytes, read error).
std::vector<uint8_t> readRegularFile(const std::string& path, uint64_t maxBytes);

// True when `path` names a directory (following symlinks); false when it names nothing or a
// regular file. Anything else (FIFO, device, ...) or an unreadable path throws naming it.
bool isDirectory(const std::string& path);

enum class Replace { Never, RegularFile };

// Writes `size` bytes to `path` atomically (see above). With Replace::Never an existing entry of
// any kind is refused, also when it appears while writing (the final step is an exclusive link).
// Throws mobilevk::Error naming the path; the temporary file is removed on every failure.
void writeFileAtomically(const std::string& path, const void* data, size_t size, Replace replace);

// An advisory lock (flock) on `path` + ".lock", created beside it if missing (never through a
// symlink, never truncated, left in place afterwards), held until destruction: writers of one file
// that read, merge and replace it take turns. `waiting` is called once if another holder makes
// this one wait. Throws mobilevk::Error naming the lock file when it cannot be opened or locked.
class FileLock {
 public:
  FileLock(const std::string& path, const std::function<void(const std::string& lockPath)>& waiting = nullptr);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mobilevk
