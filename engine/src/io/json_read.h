#pragma once
// Reading JSON that a user hands mobilevk (tuning caches, device profiles, Keras model.json): the
// nesting is bounded while parsing, and error messages show a bounded, printable description of a
// value, never a dump of it (serializing a deeply nested value recurses once per level, and a
// string may carry terminal escape sequences).
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "mobilevk/error.h"

namespace mobilevk {

// Deeper than any file mobilevk reads (Keras configs nest about 10 levels), far below what
// recursion over the value can take.
constexpr int kMaxJsonDepth = 100;

// Parses `text`; throws mobilevk::Error (`code`) starting with `what` for text that is not JSON or
// nests deeper than maxDepth. Never recurses per level.
nlohmann::json parseJsonBounded(const std::string& text, const std::string& what, int maxDepth = kMaxJsonDepth,
                                ErrorCode code = ErrorCode::InvalidArgument);

// A value for a message: numbers, booleans and null as written, a string quoted (see printable),
// a short array of those written out ("[1, 224, 224, 3]"), any other array or object by its size
// ("an array of 3 values", "an object of 2 fields").
std::string describeJson(const nlohmann::json& value);

// `text` with every byte outside printable ASCII written as \xNN, cut to maxChars (then "...").
std::string printable(const std::string& text, size_t maxChars = 80);

}  // namespace mobilevk
