#include "io/file_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "mobilevk/error.h"

namespace mobilevk {

namespace {

std::string reason(int err) {
  switch (err) {
    case ENOENT: return "no such file or directory";
    case ELOOP: return "a loop of symbolic links (or too many of them)";
    default: return std::strerror(err);
  }
}

// Closes a descriptor on every exit path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string directoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void refuseUnlessRegular(const std::string& path, Replace replace) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw Error(ErrorCode::IO, path + ": cannot check the output path (" + reason(errno) + ")");
  }
  if (!S_ISREG(st.st_mode))
    throw Error(ErrorCode::IO, path + ": exists and is " + fileTypeName(st.st_mode) + "; only a regular file is ever replaced");
  if (replace == Replace::Never)
    throw Error(ErrorCode::IO, path + ": already exists; not overwriting it (pass --overwrite to replace it)");
}

}  // namespace

std::string fileTypeName(unsigned mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::vector<uint8_t> readRegularFile(const std::string& path, uint64_t maxBytes) {
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (f.fd < 0) throw Error(ErrorCode::IO, path + ": cannot open (" + reason(errno) + ")");
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(ErrorCode::IO, path + ": cannot stat (" + reason(errno) + ")");
  if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::IO, path + ": is " + fileTypeName(st.st_mode) + ", expected a regular file");
  if (uint64_t(st.st_size) > maxBytes)
    throw Error(ErrorCode::IO, path + ": " + std::to_string(st.st_size) + " bytes, over the limit of " + std::to_string(maxBytes));
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t have = 0;
  for (;;) {
    if (have == bytes.size()) {
      // The file may have grown since fstat: keep reading, within the limit.
      if (bytes.size() >= maxBytes) {
        uint8_t probe;
        const ssize_t n = ::read(f.fd, &probe, 1);
        if (n == 0) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorCode::IO, path + ": read failed (" + reason(errno) + ")");
        throw Error(ErrorCode::IO, path + ": grew past the limit of " + std::to_string(maxBytes) + " bytes while being read");
      }
      bytes.resize(size_t(std::min<uint64_t>(maxBytes, bytes.size() + 65536)));
    }
    const ssize_t n = ::read(f.fd, bytes.data() + have, bytes.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ErrorCode::IO, path + ": read failed (" + reason(errno) + ")");
    if (n == 0) break;
    have += size_t(n);
  }
  bytes.resize(have);
  return bytes;
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw Error(ErrorCode::IO, path + ": cannot open (" + reason(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) return true;
  if (S_ISREG(st.st_mode)) return false;
  throw Error(ErrorCode::IO, path + ": is " + fileTypeName(st.st_mode) + ", expected a regular file or a directory");
}

void writeFileAtomically(const std::string& path, const void* data, size_t size, Replace replace) {
  if (path.empty()) throw Error(ErrorCode::IO, "no output file name given");
  refuseUnlessRegular(path, replace);
  const std::string dir = directoryOf(path);
  std::string tmp = path + ".mobilevk-XXXXXX";
  Fd f;
  f.fd = ::mkostemp(&tmp[0], O_CLOEXEC);
  if (f.fd < 0) throw Error(ErrorCode::IO, path + ": cannot create a temporary file in " + dir + " (" + reason(errno) + ")");
  auto fail = [&](const std::string& what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorCode::IO, path + ": " + what + " (" + reason(err) + ")");
  };
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(f.fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write failed");
    done += size_t(n);
  }
  // mkstemp creates 0600; give the file the permissions a plain create would (0666 & ~umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(f.fd, 0666 & ~mask) != 0) fail("cannot set permissions");
  if (::fsync(f.fd) != 0) fail("fsync failed");
  if (::close(f.fd) != 0) {
    f.fd = -1;
    fail("close failed");
  }
  f.fd = -1;
  if (replace == Replace::Never) {
    // An exclusive rename fails with EEXIST when anything appeared at `path` meanwhile; where the
    // file system lacks it, link() gives the same guarantee.
    int r = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {
      r = ::link(tmp.c_str(), path.c_str());
      if (r == 0) ::unlink(tmp.c_str());
    }
    if (r != 0) {
      if (errno == EEXIST) {
        ::unlink(tmp.c_str());
        throw Error(ErrorCode::IO, path + ": already exists (created while we wrote); not overwriting it");
      }
      fail("cannot move the finished file into place");
    }
  } else {
    refuseUnlessRegular(path, replace);  // narrow the window: refuse what appeared meanwhile
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot move the finished file into place");
  }
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd >= 0) ::fsync(d.fd);  // the rename itself survives a crash
}

FileLock::FileLock(const std::string& path, const std::function<void(const std::string&)>& waiting) {
  const std::string lockPath = path + ".lock";
  fd_ = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd_ < 0) throw Error(ErrorCode::IO, lockPath + ": cannot open the lock file (" + reason(errno) + ")");
  struct stat st {};
  std::string problem;
  if (::fstat(fd_, &st) != 0) problem = "cannot check the lock file (" + reason(errno) + ")";
  else if (!S_ISREG(st.st_mode)) problem = "the lock file is " + fileTypeName(st.st_mode) + ", not a regular file";
  if (!problem.empty()) {
    ::close(fd_);
    throw Error(ErrorCode::IO, lockPath + ": " + problem);
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  if (errno == EWOULDBLOCK && waiting) waiting(lockPath);
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd_);
    throw Error(ErrorCode::IO, lockPath + ": cannot lock (" + reason(err) + ")");
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace mobilevk
