#pragma once
// The samples' exit status once their output is flushed: output that did not arrive (a full disk)
// turns success into failure with a message; a reader that went away (EPIPE with SIGPIPE ignored)
// ends the program quietly with the status a SIGPIPE death gives. Call restoreSigpipe() first
// so that a closed pipe ends a program at its next write, whatever its parent set.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace samples {

inline void restoreSigpipe() { std::signal(SIGPIPE, SIG_DFL); }

inline int stdoutStatus(int status, const char* program) {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return status;
  if (errno == EPIPE) return 128 + SIGPIPE;
  std::fprintf(stderr, "%s: error: writing the output failed (%s)\n", program, errno ? std::strerror(errno) : "stream error");
  return status == 0 ? 1 : status;
}

}  // namespace samples
