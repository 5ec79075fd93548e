#pragma once
// Tensors as the user sees them.
//
// Layouts (the CPU reference, the importers and the GPU converters all agree on these):
//  * Host tensors are NHWC float32, the layout of TFLite and Keras: element (n, y, x, c) lives at
//    ((n * H + y) * W + x) * C + c.
//  * Device tensors are NC4HW4: channels are grouped by four into a vec4, and the vec4 of group
//    c4 at (n, y, x) lives at ((n * C4 + c4) * H + y) * W + x, with C4 = ceil(C / 4). Lanes past C
//    in the last group are always zero; every shader keeps them zero. One vec4 load then feeds four
//    multiply-adds, which is what both real GPUs and lavapipe's SIMD lanes want.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mobilevk {

// How device tensors and weights are stored. Arithmetic is fp32 either way, except in the
// fp16-arithmetic kernel variants a tuning cache may pick for fp16 tensors (mobilevk/tuning.h).
enum class Precision {
  FP32,
  FP16,  // half the memory traffic; needs the device's 16-bit storage (storageBuffer16BitAccess)
};

struct Shape {
  int n = 1, h = 1, w = 1, c = 1;

  size_t elements() const { return size_t(n) * size_t(h) * size_t(w) * size_t(c); }
  int channelGroups() const { return (c + 3) / 4; }
  // Floats a device (NC4HW4) tensor of this shape occupies, padding lanes included.
  size_t packedElements() const { return size_t(n) * size_t(channelGroups()) * size_t(h) * size_t(w) * 4; }
  std::string str() const;  // "1x224x224x3" (NHWC)
  bool operator==(const Shape& o) const { return n == o.n && h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

// A float32 NHWC tensor in host memory.
struct HostTensor {
  Shape shape;
  std::vector<float> data;

  HostTensor() = default;
  explicit HostTensor(Shape s, float fill = 0.0f) : shape(s), data(s.elements(), fill) {}

  float& at(int n, int y, int x, int c) { return data[index(n, y, x, c)]; }
  float at(int n, int y, int x, int c) const { return data[index(n, y, x, c)]; }
  size_t index(int n, int y, int x, int c) const {
    return ((size_t(n) * shape.h + y) * shape.w + x) * shape.c + c;
  }
};

// An int32 NHWC tensor in host memory: class indices, the output of ARG_MAX (a segmentation
// model's class per pixel; OutputInfo::indices).
struct IndexTensor {
  Shape shape;
  std::vector<int32_t> data;

  int32_t at(int n, int y, int x, int c) const { return data[((size_t(n) * shape.h + y) * shape.w + x) * shape.c + c]; }
};
// The indices a float tensor holds (what run() and readOutput() give for an index output: each a
// whole number, exactly). Throws InvalidArgument naming the first element that is not a whole
// number in [0, 2^24].
IndexTensor indicesFromFloats(const HostTensor& t);

// NHWC <-> NC4HW4 converters (padding lanes written as zero).
std::vector<float> packNC4HW4(const HostTensor& t);
HostTensor unpackNC4HW4(const std::vector<float>& packed, const Shape& shape);

}  // namespace mobilevk
