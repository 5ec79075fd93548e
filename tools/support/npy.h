#pragma once
// NumPy .npy float32 tensors for exact numeric comparisons (the CLI's --input-npy and
// --save-output, the tests). A tools-side helper, not part of the library's API.
#include <cstdint>
#include <string>
#include <vector>

#include "mobilevk/tensor.h"

namespace mobilevk {

// .npy float32 (little-endian, C order). readNpy accepts [N, H, W, C] or [H, W, C] (N = 1).
// With `type` given, 8-bit integer arrays ('|u1', '|i1', as writeNpyBytes writes them) are read
// too, their values as floats, and *type says which it was; without it only float32 is accepted.
enum class NpyType { Float32, UInt8, Int8 };
HostTensor readNpy(const std::string& path, NpyType* type = nullptr);
HostTensor parseNpy(const std::vector<uint8_t>& bytes, const std::string& name,  // `name` for messages
                    NpyType* type = nullptr);
// Writes `data` with the given dimensions, atomically (temporary file, then rename); refuses to
// replace an existing file unless overwrite is set.
void writeNpy(const std::string& path, const std::vector<float>& data, const std::vector<int>& dims, bool overwrite);
// The same for 8-bit integers (uint8 '|u1', or int8 '|i1' when isSigned): a quantized tensor.
void writeNpyBytes(const std::string& path, const std::vector<int32_t>& values, bool isSigned, const std::vector<int>& dims,
                   bool overwrite);

// The same for int32 ('<i4'): class indices (segment's class map).
void writeNpyInt32(const std::string& path, const std::vector<int32_t>& values, const std::vector<int>& dims, bool overwrite);

}  // namespace mobilevk
