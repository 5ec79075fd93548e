#include "io/json_read.h"

#include <algorithm>
#include <cstdio>

namespace mobilevk {

using nlohmann::json;

namespace {

struct TooDeep {};

}  // namespace

json parseJsonBounded(const std::string& text, const std::string& what, int maxDepth, ErrorCode code) {
  // nlohmann's parser keeps its own stack (no recursion); the callback sees each value's depth and
  // stops the parse at the first one too deep.
  const json::parser_callback_t bound = [maxDepth](int depth, json::parse_event_t, json&) {
    if (depth > maxDepth) throw TooDeep{};
    return true;
  };
  try {
    return json::parse(text, bound);
  } catch (const TooDeep&) {
    throw Error(code, what + " nests deeper than " + std::to_string(maxDepth) + " levels; refused");
  } catch (const json::exception& e) {
    throw Error(code, what + " is not valid JSON: " + printable(e.what(), 200));
  }
}

std::string printable(const std::string& text, size_t maxChars) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= maxChars) return out + "...";
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

std::string describeJson(const json& value) {
  switch (value.type()) {
    case json::value_t::string: return "\"" + printable(value.get_ref<const std::string&>(), 60) + "\"";
    case json::value_t::array: {
      // A short array of scalars (a shape, a window) is written out; anything else by its size.
      const bool flat = value.size() <= 8 && std::all_of(value.begin(), value.end(), [](const json& e) {
        return e.is_primitive();
      });
      if (!flat) return "an array of " + std::to_string(value.size()) + " values";
      std::string out = "[";
      for (const json& e : value) out += (out.size() > 1 ? ", " : "") + describeJson(e);
      return out + "]";
    }
    case json::value_t::object: return "an object of " + std::to_string(value.size()) + " fields";
    case json::value_t::discarded: return "nothing";
    default: return value.dump();  // a number, boolean or null: one short token
  }
}

}  // namespace mobilevk
