# Turns one SPIR-V binary into a C++ source holding it as a uint32_t array, so the
# library carries its shaders and never looks for files at run time.
# Inputs: SPV (binary path), OUT (source to write), NAME (shader name, a C identifier).
file(READ "${SPV}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR rem "${hex_len} % 8")
if(NOT rem EQUAL 0 OR hex_len EQUAL 0)
  message(FATAL_ERROR "${SPV}: size is not a whole number of 32-bit words")
endif()
# SPIR-V words are little-endian on every target we build for: reorder bytes into 0xAABBCCDD.
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," words "${hex}")
string(REGEX REPLACE "(0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,)" "\\1\n" words "${words}")
file(WRITE "${OUT}.tmp" "// Generated from ${SPV} by cmake/embed_spirv.cmake. Do not edit.\n#include <cstdint>\n#include <cstddef>\nnamespace mobilevk::shaders {\nextern const uint32_t ${NAME}_spv[] = {\n${words}\n};\nextern const size_t ${NAME}_spv_words = sizeof(${NAME}_spv) / sizeof(uint32_t);\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
