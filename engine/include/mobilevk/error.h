#pragma once
// Every failure in mobilevk surfaces as mobilevk::Error: a message naming what was being done,
// with which object, and what was expected versus found.
#include <stdexcept>
#include <string>

namespace mobilevk {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mobilevk
