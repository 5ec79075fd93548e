#pragma once
// Every failure in mobilevk surfaces as mobilevk::Error: a message naming what was being done,
// with which object, and what was expected versus found, and a code a caller can react to.
#include <stdexcept>
#include <string>

namespace mobilevk {

enum class ErrorCode {
  InvalidArgument,  // a bad call: wrong shape, null pixels, an option out of range, unreadable input data
  InvalidModel,     // a model file or buffer that is malformed or inconsistent
  Unsupported,      // valid, but beyond what mobilevk or this device can run (an op, a size, a feature)
  IO,               // a file that cannot be read or written (missing, not a regular file, disk full)
  OutOfMemory,      // host or device memory ran out
  DeviceLost,       // VK_ERROR_DEVICE_LOST, now or earlier: make a new Context
  Internal,         // anything else: a bug or an unexpected driver answer; please report it
};

// "invalid argument", "invalid model", ...
const char* errorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorCode code = ErrorCode::Internal)
      : std::runtime_error(message), code_(code) {}
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace mobilevk
