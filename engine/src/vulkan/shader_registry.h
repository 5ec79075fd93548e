#pragma once
// SPIR-V binaries compiled from shaders/*.comp at build time and linked into the library.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mobilevk {

struct EmbeddedShader {
  const char* name;
  const uint32_t* words;
  size_t wordCount;
};

// nullptr when no shader of that name was built in.
const EmbeddedShader* findEmbeddedShader(std::string_view name);
std::vector<std::string_view> embeddedShaderNames();

}  // namespace mobilevk
