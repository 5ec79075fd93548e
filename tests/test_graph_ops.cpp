// The ops MobileNetV2 added (ADD, MEAN, QUANTIZE), SSD's (RESHAPE, CONCATENATION, LOGISTIC) and
// DeepLab's and PoseNet's (PAD, RESIZE_BILINEAR, ARG_MAX): each GPU kernel against its CPU twin, integers bit
// for bit, floats within bounds justified per op; the twins themselves against independent
// arithmetic where it is exact.
#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <random>
#include <set>

#include "cpu/reference.h"
#include "graph/params.h"
#include "graph/op_table.h"
#include "helpers.h"
#include "internal_access.h"
#include "mobilevk/error.h"
#include "ops/gpu_op_table.h"
#include "ops/integer_op.h"
#include "half.h"
#include "vulkan/command.h"
#include "vulkan/gpu.h"

using namespace mobilevk;

namespace {

int32_t randomIn(std::mt19937& rng, int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(rng); }

QuantizedTensor randomQuantized(const Shape& s, const TensorQuant& q, std::mt19937& rng) {
  QuantizedTensor t(s, q);
  for (auto& v : t.data) v = randomIn(rng, q.qmin(), q.qmax());
  return t;
}

// Runs `op` on the GPU over device copies of `inputs` (8-bit tensors with `int8`, else float of
// `precision`), the output buffer first filled with a sentinel so an unwritten element cannot pass.
std::vector<uint8_t> runGpuRaw(GpuOp& op, const std::vector<std::vector<uint8_t>>& inputs, const std::vector<Shape>& shapes,
                               const Shape& outShape, uint64_t outBytes) {
  Gpu& gpu = InternalAccess::gpu(testing::context());
  std::vector<Buffer> in;
  for (size_t i = 0; i < inputs.size(); ++i) {
    in.emplace_back(gpu, inputs[i].size(), MemoryUsage::Device, "graph op test input");
    gpu.upload(in.back(), inputs[i].data(), inputs[i].size());
  }
  Buffer out(gpu, outBytes, MemoryUsage::Device, "graph op test output");
  const std::vector<uint8_t> sentinel(outBytes, 0xA5);
  gpu.upload(out, sentinel.data(), sentinel.size());
  OpBinding b{in[0], out, shapes[0], outShape, resolveWindow("graph op test", shapes[0], {}), {}, {}};
  for (size_t i = 1; i < in.size(); ++i) {
    b.moreInputs.push_back(in[i]);
    b.moreInputShapes.push_back(shapes[i]);
  }
  op.bind(b);
  gpu.runAndWait(
      [&](VkCommandBuffer cmd) {
        op.record(cmd);
        anyToHostBarrier(gpu.vk(), cmd);
      },
      "graph op test");
  std::vector<uint8_t> raw(outBytes);
  gpu.download(out, raw.data(), raw.size());
  return raw;
}

QuantizedTensor runIntegerGpu(const Node& node, const std::vector<const QuantizedTensor*>& inputs) {
  Gpu& gpu = InternalAccess::gpu(testing::context());
  const auto op = makeIntegerGpuOp(gpu, node, nullptr);
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<Shape> shapes;
  for (const auto* t : inputs) {
    bytes.push_back(packQuantizedNC4HW4(t->shape, t->data, t->quant.zeroPoint));
    shapes.push_back(t->shape);
  }
  const Shape outShape = opKind(node.kind).outputShapes(node, shapes).at(0);
  const TensorQuant& oq = node.quant->output;
  const auto raw = runGpuRaw(*op, bytes, shapes, outShape, outShape.packedElements());
  return testing::quantizedOutput(raw, outShape, oq);  // lanes past the channels hold the zero point
}

HostTensor runFloatGpu(const Node& node, const std::vector<const HostTensor*>& inputs, Precision precision) {
  Gpu& gpu = InternalAccess::gpu(testing::context());
  const auto op = makeGpuOp(gpu, node, precision, nullptr);
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<Shape> shapes;
  for (const auto* t : inputs) {
    bytes.push_back(encodeStorage(packNC4HW4(*t), precision));
    shapes.push_back(t->shape);
  }
  const Shape outShape = opKind(node.kind).outputShapes(node, shapes).at(0);
  const auto raw = runGpuRaw(*op, bytes, shapes, outShape, deviceTensorBytes(outShape, precision));
  return unpackNC4HW4(decodeStorage(raw, precision), outShape);
}

void checkBitExact(const QuantizedTensor& got, const QuantizedTensor& ref) {
  REQUIRE(got.shape == ref.shape);
  size_t mismatches = 0, first = 0;
  for (size_t i = 0; i < ref.data.size(); ++i)
    if (got.data[i] != ref.data[i] && mismatches++ == 0) first = i;
  CHECK_MESSAGE(mismatches == 0, mismatches << " of " << ref.data.size() << " differ; first at " << first << ": GPU "
                                            << got.data[first] << ", CPU " << ref.data[first]);
}

Node quantNode(NodeKind kind, const std::vector<TensorQuant>& inputs, const TensorQuant& out, bool relu6 = false) {
  Node n;
  n.kind = kind;
  n.name = nodeKindName(kind);
  if (kind == NodeKind::Add || kind == NodeKind::Clamp) n.params = ElementwiseParams{};
  QuantizedLayer q;
  q.input = inputs.at(0);
  q.otherInputs.assign(inputs.begin() + 1, inputs.end());
  q.output = out;
  q.activationMin = out.qmin();
  q.activationMax = out.qmax();
  if (relu6) {
    n.elementwise().activation = Activation::relu6();
    activationRange(out, 0.0f, 6.0f, &q.activationMin, &q.activationMax);
  }
  n.quant = q;
  return n;
}

// The tensor as `precision` storage holds it (fp16: each value rounded to the nearest half).
HostTensor storedAs(HostTensor t, Precision precision) {
  if (precision == Precision::FP16)
    for (auto& v : t.data) v = halfToFloat(floatToHalf(v));
  return t;
}

const std::vector<Shape> kShapes = {{1, 5, 7, 3}, {3, 4, 4, 13}, {2, 9, 1, 8}, {1, 1, 1, 1}};

}  // namespace

TEST_CASE("integer ADD: GPU equals the CPU twin bit for bit; the twin is exact where the scales are powers of two") {
  std::mt19937 rng(22001);
  const QuantType u8 = QuantType::UInt8, s8 = QuantType::Int8;
  struct Case {
    QuantType type;
    float aRatio, bRatio;  // input scale over output scale
    int32_t za, zb, zo;
    bool relu6;
  };
  const std::vector<Case> cases = {
      {u8, 1.0f, 1.0f, 128, 128, 128, false},       {u8, 1.0f / 256, 255.9f, 0, 255, 0, false},
      {s8, 255.9f, 1.0f / 256, -128, 127, -128, false}, {s8, 0.37f, 2.6f, 127, -128, -128, true},
      {u8, 7.5f, 0.5f, 255, 0, 0, true},            {s8, 1.0f / 1000, 1.0f / 3, 0, 5, -7, false},
  };
  for (const Case& c : cases)
    for (const Shape& s : kShapes) {
      CAPTURE(s.str());
      CAPTURE(c.aRatio);
      CAPTURE(c.bRatio);
      const float outScale = 0.05f;
      const TensorQuant a{c.type, c.aRatio * outScale, c.za}, b{c.type, c.bRatio * outScale, c.zb}, o{c.type, outScale, c.zo};
      const Node node = quantNode(NodeKind::Add, {a, b}, o, c.relu6);
      const QuantizedTensor x = randomQuantized(s, a, rng), y = randomQuantized(s, b, rng);
      const QuantizedTensor ref = opKind(NodeKind::Add).integerReference(node, {&x, &y});
      if (s.elements() > 50 && std::max(c.aRatio, c.bRatio) < 100) CHECK(std::set<int32_t>(ref.data.begin(), ref.data.end()).size() >= 3);
      if (s.elements() > 50 && std::max(c.aRatio, c.bRatio) > 100) {  // saturation: most outputs at the type's ends
        size_t ends = 0;
        for (int32_t v : ref.data) ends += v == o.qmin() || v == o.qmax();
        CHECK(ends * 2 > ref.data.size());
      }
      checkBitExact(runIntegerGpu(node, {&x, &y}), ref);
    }
  // Powers of two make every multiplier exact: the result is then the exact sum rounded half up
  // (one arithmetic shift of the sum plus half), saturated.
  for (int trial = 0; trial < 2000; ++trial) {
    const int ea = randomIn(rng, -8, 7), eb = randomIn(rng, -8, 7);
    const QuantType t = trial % 2 ? s8 : u8;
    const TensorQuant a{t, std::ldexp(0.05f, ea), randomIn(rng, t == u8 ? 0 : -128, t == u8 ? 255 : 127)};
    const TensorQuant b{t, std::ldexp(0.05f, eb), randomIn(rng, t == u8 ? 0 : -128, t == u8 ? 255 : 127)};
    const TensorQuant o{t, 0.05f, randomIn(rng, t == u8 ? 0 : -128, t == u8 ? 255 : 127)};
    const AddParams p = addParams(a, b, o, o.qmin(), o.qmax(), "add");
    const int32_t qa = randomIn(rng, a.qmin(), a.qmax()), qb = randomIn(rng, b.qmin(), b.qmax());
    const double exact = std::ldexp(double(qa - a.zeroPoint), ea) + std::ldexp(double(qb - b.zeroPoint), eb);
    const double expected = std::min(std::max(std::floor(exact + 0.5) + o.zeroPoint, double(o.qmin())), double(o.qmax()));
    REQUIRE(quantizedAdd(qa, qb, p) == int32_t(expected));
  }
  // XNNPACK's limits: a ratio of 256 or more (or under 2^-10) is refused by name.
  const TensorQuant big{u8, 256.0f * 0.05f, 0}, out{u8, 0.05f, 0};
  CHECK_THROWS_WITH_AS(addParams(big, out, out, 0, 255, "residual"), doctest::Contains("residual"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("integer MEAN: GPU equals the CPU twin bit for bit, within one quantum of the exact mean") {
  std::mt19937 rng(22002);
  const QuantType u8 = QuantType::UInt8, s8 = QuantType::Int8;
  struct Case {
    QuantType type;
    float ratio;  // input scale over output scale
    int32_t zi, zo;
  };
  const std::vector<Case> cases = {{u8, 1.0f, 128, 128}, {s8, 1.0f / 256, -128, 127}, {s8, 255.0f, 127, -128},
                                   {u8, 3.7f, 0, 255},   {u8, 0.21f, 255, 0},          {s8, 1.0f, -128, -128}};
  for (const Case& c : cases)
    for (const Shape& s : {Shape{2, 7, 7, 13}, Shape{1, 3, 5, 4}, Shape{3, 1, 1, 5}, Shape{1, 10, 10, 1}}) {
      CAPTURE(s.str());
      CAPTURE(c.ratio);
      const TensorQuant in{c.type, c.ratio * 0.02f, c.zi}, out{c.type, 0.02f, c.zo};
      const Node node = quantNode(NodeKind::Mean, {in}, out);
      const QuantizedTensor x = randomQuantized(s, in, rng);
      const QuantizedTensor ref = opKind(NodeKind::Mean).integerReference(node, {&x});
      for (int n = 0; n < s.n; ++n)
        for (int ch = 0; ch < s.c; ++ch) {
          double sum = 0;
          for (int y = 0; y < s.h; ++y)
            for (int xx = 0; xx < s.w; ++xx) sum += x.at(n, y, xx, ch) - c.zi;
          const double exact = std::min(std::max(sum * c.ratio / (s.h * s.w) + c.zo, double(out.qmin())), double(out.qmax()));
          CHECK(std::fabs(ref.at(n, 0, 0, ch) - exact) <= 0.5 + 1e-3);
        }
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
  testing::expectNoValidationMessages();
}

TEST_CASE("integer QUANTIZE between uint8 and int8: GPU equals the CPU twin bit for bit, within half a quantum of exact") {
  std::mt19937 rng(22003);
  const QuantType u8 = QuantType::UInt8, s8 = QuantType::Int8;
  struct Case {
    QuantType from, to;
    float factor;  // input scale over output scale
    int32_t zi, zo;
  };
  const std::vector<Case> cases = {{u8, s8, 1.0f, 128, 0},       {s8, u8, 1.0f, -128, 0},       {u8, u8, 1.0f / 256, 0, 255},
                                   {s8, s8, 255.5f, 127, -128},   {u8, s8, 0.37f, 255, -128},    {s8, u8, 3.3f, -5, 128}};
  for (const Case& c : cases)
    for (const Shape& s : kShapes) {
      CAPTURE(s.str());
      CAPTURE(c.factor);
      const TensorQuant in{c.from, c.factor * 0.01f, c.zi}, out{c.to, 0.01f, c.zo};
      const Node node = quantNode(NodeKind::Quantize, {in}, out);
      const QuantizedTensor x = randomQuantized(s, in, rng);
      const QuantizedTensor ref = opKind(NodeKind::Quantize).integerReference(node, {&x});
      const double factor = double(in.scale) / double(out.scale);
      for (size_t i = 0; i < x.data.size(); ++i) {
        const double exact = std::min(std::max((x.data[i] - c.zi) * factor + c.zo, double(out.qmin())), double(out.qmax()));
        CHECK(std::fabs(ref.data[i] - exact) <= 0.5 + 1e-6);
      }
      if (c.factor == 1.0f && c.zi - c.zo == (c.from == u8 ? 128 : -128))  // the edges of a model: a plain shift
        for (size_t i = 0; i < x.data.size(); ++i) CHECK(ref.data[i] == x.data[i] - c.zi + c.zo);
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
  testing::expectNoValidationMessages();
}

TEST_CASE("float ADD, MEAN and QUANTIZE: GPU against the CPU reference, fp32 and fp16 storage") {
  std::mt19937 rng(22004);
  const bool fp16 = testing::fp16StorageOrRefused();
  for (Precision precision : {Precision::FP32, Precision::FP16}) {
    if (precision == Precision::FP16 && !fp16) break;
    const auto storage = [&](HostTensor t) { return storedAs(std::move(t), precision); };
    for (const Shape& s : kShapes) {
      CAPTURE(s.str());
      CAPTURE(int(precision));
      const HostTensor a = storage(testing::randomTensor(s, rng, -8.0f, 8.0f)), b = storage(testing::randomTensor(s, rng, -8.0f, 8.0f));
      for (const Activation act : {Activation::none(), Activation::relu6()}) {
        Node add;
        add.kind = NodeKind::Add;
        add.name = "add";
        add.params = ElementwiseParams{act};
        const HostTensor ref = opKind(NodeKind::Add).reference(add, {&a, &b}).at(0);
        const HostTensor got = runFloatGpu(add, {&a, &b}, precision);
        // fp32: one correctly rounded addition on both sides (the reference's double sum of two
        // floats rounds to the same float). fp16 storage: the stored sum is within half an fp16
        // ulp (2^-11 relative) of it.
        std::vector<float> tol(ref.data.size(), 0.0f);
        if (precision == Precision::FP16)
          for (size_t i = 0; i < tol.size(); ++i) tol[i] = std::fabs(ref.data[i]) * 0x1.0p-11f;
        testing::recordError(precision == Precision::FP16 ? "Add fp16" : "Add", testing::expectClose(got, ref, tol, "Add " + s.str()));
      }
      Node mean;
      mean.kind = NodeKind::Mean;
      mean.name = "mean";
      const HostTensor meanRef = opKind(NodeKind::Mean).reference(mean, {&a}).at(0);
      // As GlobalAvgPool: float sums of h*w terms of magnitude <= 8, each rounding 2^-24 relative
      // (fp32), plus the fp16 store's 2^-11 of the result.
      std::vector<float> meanTol(meanRef.data.size(), 8.0f * float(s.h * s.w) * 0x1.0p-23f);
      if (precision == Precision::FP16)
        for (size_t i = 0; i < meanTol.size(); ++i) meanTol[i] += std::fabs(meanRef.data[i]) * 0x1.0p-11f;
      testing::expectClose(runFloatGpu(mean, {&a}, precision), meanRef, meanTol, "Mean " + s.str());
      Node quantize;
      quantize.kind = NodeKind::Quantize;
      quantize.name = "quantize";
      const HostTensor same = runFloatGpu(quantize, {&a}, precision);  // a copy: exact
      testing::expectClose(same, a, std::vector<float>(a.data.size(), 0.0f), "Quantize " + s.str());
    }
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("Clamp (a standalone activation): integer GPU equals the twin bit for bit, float exact") {
  std::mt19937 rng(22005);
  const std::vector<std::pair<float, float>> ranges = {{0.0f, FLT_MAX}, {0.0f, 6.0f}, {-1.0f, 1.0f}};
  for (QuantType t : {QuantType::UInt8, QuantType::Int8})
    for (int32_t zero : {0, 128, 255, -128, 127})
      for (const auto& [lo, hi] : ranges) {
        const TensorQuant grid{t, 0.03f, zero};
        if (zero < grid.qmin() || zero > grid.qmax()) continue;
        Node node = quantNode(NodeKind::Clamp, {grid}, grid);
        node.params = ElementwiseParams{Activation::clamp(lo, hi)};
        activationRange(grid, lo, hi, &node.quant->activationMin, &node.quant->activationMax);
        for (const Shape& s : kShapes) {
          CAPTURE(s.str());
          CAPTURE(zero);
          const QuantizedTensor x = randomQuantized(s, grid, rng);
          const QuantizedTensor ref = opKind(NodeKind::Clamp).integerReference(node, {&x});
          for (size_t i = 0; i < x.data.size(); ++i)
            CHECK(ref.data[i] == std::min(std::max(x.data[i], node.quant->activationMin), node.quant->activationMax));
          checkBitExact(runIntegerGpu(node, {&x}), ref);
        }
      }
  // Requantizing RELUs (another output grid) are not run in integers.
  const Node other = quantNode(NodeKind::Clamp, {{QuantType::UInt8, 0.03f, 0}}, {QuantType::UInt8, 0.05f, 0});
  const QuantizedTensor x = randomQuantized({1, 2, 2, 3}, other.quant->input, rng);
  CHECK_THROWS_AS(opKind(NodeKind::Clamp).integerReference(other, {&x}), Error);
  for (const auto& [lo, hi] : ranges)
    for (const Shape& s : kShapes) {
      Node node;
      node.kind = NodeKind::Clamp;
      node.name = "clamp";
      node.params = ElementwiseParams{Activation::clamp(lo, hi)};
      const HostTensor a = testing::randomTensor(s, rng, -8.0f, 8.0f);
      const HostTensor ref = opKind(NodeKind::Clamp).reference(node, {&a}).at(0);
      testing::expectClose(runFloatGpu(node, {&a}, Precision::FP32), ref, std::vector<float>(ref.data.size(), 0.0f), "Clamp " + s.str());
    }
  testing::expectNoValidationMessages();
}

namespace {
// Values from the grid's whole range, so both clamp ends and every byte occur.
QuantizedTensor everyValue(const Shape& s, const TensorQuant& q, std::mt19937& rng) {
  QuantizedTensor t = randomQuantized(s, q, rng);
  for (size_t i = 0; i < t.data.size() && i < 256; ++i) t.data[i] = q.qmin() + int32_t(i % size_t(q.qmax() - q.qmin() + 1));
  return t;
}
}  // namespace

TEST_CASE("integer CONCATENATION along H, W and C: GPU equals the twin bit for bit; inputs on the output's grid are copied") {
  std::mt19937 rng(23001);
  struct Case {
    int axis;
    std::vector<Shape> inputs;
  };
  // Odd channel counts (slices that share a vec4 of the output), batch 3, eight inputs, one input.
  const std::vector<Case> cases = {
      {3, {{1, 5, 7, 3}, {1, 5, 7, 5}, {1, 5, 7, 2}}},
      {3, {{3, 2, 3, 1}, {3, 2, 3, 1}, {3, 2, 3, 6}, {3, 2, 3, 4}, {3, 2, 3, 1}, {3, 2, 3, 7}, {3, 2, 3, 3}, {3, 2, 3, 2}}},
      // Groups inside one input at a multiple of four (one fetch) beside groups that straddle two,
      // and DeepLab's two 256-channel branches.
      {3, {{1, 3, 5, 8}, {1, 3, 5, 4}, {1, 3, 5, 6}, {1, 3, 5, 3}}},
      {3, {{1, 3, 5, 256}, {1, 3, 5, 256}}},
      {1, {{3, 4, 1, 91}, {3, 2, 1, 91}, {3, 1, 1, 91}}},
      {1, {{1, 1083, 1, 4}, {1, 600, 1, 4}, {1, 6, 1, 4}}},
      {2, {{2, 3, 4, 5}, {2, 3, 1, 5}}},
      {2, {{1, 2, 3, 9}}},
  };
  for (QuantType t : {QuantType::UInt8, QuantType::Int8}) {
    const int32_t lo = t == QuantType::UInt8 ? 0 : -128;
    const TensorQuant out{t, 0.05f, lo + 100};
    for (const Case& c : cases) {
      std::vector<TensorQuant> grids;
      for (size_t i = 0; i < c.inputs.size(); ++i)  // every other input on the output's grid (a copy)
        grids.push_back(i % 2 ? out : TensorQuant{t, 0.02f + 0.031f * float(i), lo + int32_t(37 * i) % 256});
      Node node = quantNode(NodeKind::Concatenation, grids, out);
      node.params = ConcatParams{c.axis};
      node.inputs.assign(grids.size(), 0);  // read by the op for its arity
      std::vector<QuantizedTensor> xs;
      for (size_t i = 0; i < c.inputs.size(); ++i) xs.push_back(everyValue(c.inputs[i], grids[i], rng));
      std::vector<const QuantizedTensor*> in;
      for (const auto& x : xs) in.push_back(&x);
      CAPTURE(c.axis);
      CAPTURE(c.inputs.front().str());
      CAPTURE(int(t));
      const QuantizedTensor ref = opKind(NodeKind::Concatenation).integerReference(node, in);
      // The twin against the arithmetic itself: a copied input's values are unchanged, another's
      // are within half an output quantum of its real value (where the output range holds it).
      int offset = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        const Shape& s = xs[i].shape;
        for (int n = 0; n < s.n; ++n)
          for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x)
              for (int ch = 0; ch < s.c; ++ch) {
                const int32_t q = xs[i].at(n, y, x, ch);
                const int32_t o = ref.at(n, c.axis == 1 ? y + offset : y, c.axis == 2 ? x + offset : x, c.axis == 3 ? ch + offset : ch);
                if (i % 2) {
                  REQUIRE(o == q);
                } else {
                  const double real = double(grids[i].scale) * (q - grids[i].zeroPoint);
                  const double exact = real / out.scale + out.zeroPoint;
                  if (exact > out.qmin() && exact < out.qmax()) REQUIRE(std::fabs(double(o) - exact) <= 0.5 + 1e-4);
                }
              }
        offset += c.axis == 1 ? s.h : c.axis == 2 ? s.w : s.c;
      }
      checkBitExact(runIntegerGpu(node, in), ref);
    }
  }
  // More inputs than the kernel binds: refused by name.
  std::vector<TensorQuant> nine(9, TensorQuant{QuantType::UInt8, 0.05f, 0});
  Node wide = quantNode(NodeKind::Concatenation, nine, nine[0]);
  wide.params = ConcatParams{3};
  wide.inputs.assign(9, 0);
  CHECK_THROWS_WITH_AS(makeIntegerGpuOp(InternalAccess::gpu(testing::context()), wide, nullptr), doctest::Contains("at most 8"), Error);
  testing::expectNoValidationMessages();
}

TEST_CASE("integer RESHAPE and LOGISTIC: GPU equals the twin bit for bit; the logistic table within one quantum of the sigmoid") {
  std::mt19937 rng(23002);
  for (QuantType t : {QuantType::UInt8, QuantType::Int8}) {
    const int32_t lo = t == QuantType::UInt8 ? 0 : -128;
    const TensorQuant grid{t, 0.079f, lo + 191};
    // RESHAPE: the NHWC order kept, the channel count changed (NC4HW4 moves every element).
    const std::vector<std::pair<Shape, Shape>> reshapes = {
        {{1, 19, 19, 12}, {1, 1083, 1, 4}}, {{3, 5, 3, 6}, {1, 9, 1, 10}}, {{2, 1, 1, 90}, {1, 2, 5, 9}}, {{1, 2, 2, 5}, {1, 1, 1, 20}}};
    for (const auto& [from, to] : reshapes) {
      CAPTURE(from.str());
      Node node = quantNode(NodeKind::Reshape, {grid}, grid);
      node.params = ReshapeParams{to};
      const QuantizedTensor x = everyValue(from, grid, rng);
      const QuantizedTensor ref = opKind(NodeKind::Reshape).integerReference(node, {&x});
      CHECK(ref.data == x.data);
      CHECK(ref.shape == Shape{from.n, to.h, to.w, to.c});
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
    // LOGISTIC onto the 1/256 grid TFLite requires (zero point 0 for uint8, -128 for int8), every
    // stored value of the input once.
    const TensorQuant in{t, 0.0497f, lo + 223}, out{t, 1.0f / 256.0f, lo};
    Node logistic = quantNode(NodeKind::Logistic, {in}, out);
    const QuantizedTensor x = everyValue({1, 1, 1, 256}, in, rng);
    const QuantizedTensor ref = opKind(NodeKind::Logistic).integerReference(logistic, {&x});
    for (size_t i = 0; i < 256; ++i) {
      const double real = double(in.scale) * (x.data[i] - in.zeroPoint);
      const double exact = 1.0 / (1.0 + std::exp(-real)) * 256.0 + out.zeroPoint;
      CHECK(std::fabs(double(ref.data[i]) - std::min(exact, double(out.qmax()))) <= 0.5 + 1e-3);
    }
    for (const Shape& s : kShapes) {
      CAPTURE(s.str());
      const QuantizedTensor y = everyValue(s, in, rng);
      checkBitExact(runIntegerGpu(logistic, {&y}), opKind(NodeKind::Logistic).integerReference(logistic, {&y}));
    }
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("float RESHAPE, CONCATENATION and LOGISTIC: GPU against the CPU reference, fp32 and fp16 storage") {
  std::mt19937 rng(23003);
  const bool fp16 = testing::fp16StorageOrRefused();
  for (Precision precision : {Precision::FP32, Precision::FP16}) {
    if (precision == Precision::FP16 && !fp16) break;
    const auto storage = [&](HostTensor t) { return storedAs(std::move(t), precision); };
    // Copies: exact in either storage (the inputs already hold fp16 values where it is fp16).
    Node reshape;
    reshape.kind = NodeKind::Reshape;
    reshape.name = "reshape";
    reshape.params = ReshapeParams{{1, 1083, 1, 4}};
    const HostTensor r = storage(testing::randomTensor({1, 19, 19, 12}, rng, -8.0f, 8.0f));
    testing::expectClose(runFloatGpu(reshape, {&r}, precision), opKind(NodeKind::Reshape).reference(reshape, {&r}).at(0),
                         std::vector<float>(r.data.size(), 0.0f), "Reshape");
    Node concat;
    concat.kind = NodeKind::Concatenation;
    concat.name = "concat";
    // Along C: 5 + 3 straddles a vec4, 8 + 6 copies whole vec4s and then masks the last group.
    struct Join {
      int axis, channels, extentOfSecond;  // the second input's extent along the axis
    };
    for (const Join& j : {Join{1, 5, 3}, Join{2, 5, 3}, Join{3, 5, 3}, Join{3, 8, 6}}) {
      concat.params = ConcatParams{j.axis};
      const Shape a{2, 3, 4, j.channels};
      Shape b = a;
      (j.axis == 1 ? b.h : j.axis == 2 ? b.w : b.c) = j.extentOfSecond;
      const HostTensor x = storage(testing::randomTensor(a, rng)), y = storage(testing::randomTensor(b, rng));
      const HostTensor ref = opKind(NodeKind::Concatenation).reference(concat, {&x, &y}).at(0);
      testing::expectClose(runFloatGpu(concat, {&x, &y}, precision), ref, std::vector<float>(ref.data.size(), 0.0f),
                           "Concatenation axis " + std::to_string(j.axis) + " of " + a.str() + " and " + b.str());
    }
    Node logistic;
    logistic.kind = NodeKind::Logistic;
    logistic.name = "logistic";
    for (const Shape& s : kShapes) {
      const HostTensor x = storage(testing::randomTensor(s, rng, -8.0f, 8.0f));
      const HostTensor ref = opKind(NodeKind::Logistic).reference(logistic, {&x}).at(0);
      // Vulkan's exp is within 3 + 2|x| ulp (<= 19 at |x| <= 8) and its division 2.5 ulp: through
      // the sigmoid's slope (<= 1/4) that is under 2^-20 absolute; fp16 storage adds half an fp16
      // ulp of the result (<= 2^-12, the result being below 1).
      const float tol = precision == Precision::FP16 ? 0x1.0p-12f + 0x1.0p-20f : 0x1.0p-20f;
      testing::expectClose(runFloatGpu(logistic, {&x}, precision), ref, std::vector<float>(ref.data.size(), tol), "Logistic " + s.str());
    }
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("PAD: the pads hold zero (float) or the zero point (integer); integer GPU == twin bit for bit, float exact") {
  std::mt19937 rng(24002);
  const std::vector<std::pair<Shape, PadParams>> cases = {
      {{1, 5, 7, 3}, {1, 0, 0, 1}}, {{2, 4, 4, 13}, {2, 3, 1, 4}}, {{3, 1, 1, 1}, {0, 0, 0, 0}}, {{1, 9, 6, 8}, {0, 1, 0, 1}}};
  for (QuantType t : {QuantType::UInt8, QuantType::Int8})
    for (int32_t zero : {0, 128, 255, -128, 127, 5}) {
      const TensorQuant grid{t, 0.04f, zero};
      if (zero < grid.qmin() || zero > grid.qmax()) continue;
      for (const auto& [s, pads] : cases) {
        CAPTURE(s.str());
        CAPTURE(zero);
        Node node = quantNode(NodeKind::Pad, {grid}, grid);
        node.params = pads;
        const QuantizedTensor x = randomQuantized(s, grid, rng);
        const QuantizedTensor ref = opKind(NodeKind::Pad).integerReference(node, {&x});
        REQUIRE(ref.shape == Shape{s.n, s.h + pads.top + pads.bottom, s.w + pads.left + pads.right, s.c});
        for (int n = 0; n < ref.shape.n; ++n)
          for (int y = 0; y < ref.shape.h; ++y)
            for (int xx = 0; xx < ref.shape.w; ++xx)
              for (int c = 0; c < s.c; ++c) {
                const int iy = y - pads.top, ix = xx - pads.left;
                const bool inside = iy >= 0 && iy < s.h && ix >= 0 && ix < s.w;
                REQUIRE(ref.at(n, y, xx, c) == (inside ? x.at(n, iy, ix, c) : zero));
              }
        checkBitExact(runIntegerGpu(node, {&x}), ref);
      }
    }
  for (const auto& [s, pads] : cases) {
    Node node;
    node.kind = NodeKind::Pad;
    node.name = "pad";
    node.params = pads;
    const HostTensor a = testing::randomTensor(s, rng, -8.0f, 8.0f);
    const HostTensor ref = opKind(NodeKind::Pad).reference(node, {&a}).at(0);
    testing::expectClose(runFloatGpu(node, {&a}, Precision::FP32), ref, std::vector<float>(ref.data.size(), 0.0f), "Pad " + s.str());
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("RESIZE_BILINEAR (align_corners, half_pixel_centers, TF legacy; up, down, 1x1): integer GPU == twin bit for bit, float within bounds") {
  std::mt19937 rng(24003);
  struct Case {
    Shape in;
    int h, w;
    bool align, half;
  };
  const std::vector<Case> cases = {
      {{1, 1, 1, 5}, 33, 33, true, false},    // DeepLab's image pooling branch: one pixel everywhere
      {{1, 33, 33, 21}, 513, 513, true, false},  // DeepLab's logits
      {{2, 5, 7, 3}, 9, 4, false, true},       // half-pixel centres, up in H, down in W, batch 2
      {{1, 6, 6, 8}, 3, 11, false, false},     // TF legacy
      {{3, 4, 3, 2}, 4, 3, true, false},       // same size
  };
  for (QuantType t : {QuantType::UInt8, QuantType::Int8}) {
    const int32_t lo = t == QuantType::UInt8 ? 0 : -128;
    const TensorQuant grid{t, 0.07f, lo + 100};
    for (const Case& c : cases) {
      CAPTURE(c.in.str());
      CAPTURE(c.h);
      CAPTURE(c.align);
      CAPTURE(c.half);
      Node node = quantNode(NodeKind::ResizeBilinear, {grid}, grid);
      node.params = ResizeParams{c.h, c.w, c.align, c.half};
      const QuantizedTensor x = randomQuantized(c.in, grid, rng);
      const QuantizedTensor ref = opKind(NodeKind::ResizeBilinear).integerReference(node, {&x});
      // The twin against the blend itself: within one quantum of the exact bilinear value (the
      // 11-bit weights round to 1/2048; the result to the nearest integer).
      const auto ty = resizeTaps(c.in.h, c.h, c.align, c.half), tx = resizeTaps(c.in.w, c.w, c.align, c.half);
      size_t far = 0;
      for (int n = 0; n < ref.shape.n; ++n)
        for (int y = 0; y < c.h; ++y)
          for (int xx = 0; xx < c.w; ++xx)
            for (int ch = 0; ch < c.in.c; ++ch) {
              const auto& a = ty[size_t(y)];
              const auto& b = tx[size_t(xx)];
              const double top = x.at(n, a.first, b.first, ch) * (1 - b.alpha) + x.at(n, a.first, b.second, ch) * b.alpha;
              const double bottom = x.at(n, a.second, b.first, ch) * (1 - b.alpha) + x.at(n, a.second, b.second, ch) * b.alpha;
              far += std::fabs(ref.at(n, y, xx, ch) - (top * (1 - a.alpha) + bottom * a.alpha)) > 1.0;
            }
      CHECK(far == 0);
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
  }
  for (const Case& c : cases) {
    Node node;
    node.kind = NodeKind::ResizeBilinear;
    node.name = "resize";
    node.params = ResizeParams{c.h, c.w, c.align, c.half};
    const HostTensor a = testing::randomTensor(c.in, rng, -8.0f, 8.0f);
    const HostTensor ref = opKind(NodeKind::ResizeBilinear).reference(node, {&a}).at(0);
    // Three float lerps of values <= 8 (|weights| <= 1): each rounding at most 2^-24 of 16, plus
    // the product's: under 8 * 2^-20.
    testing::expectClose(runFloatGpu(node, {&a}, Precision::FP32), ref, std::vector<float>(ref.data.size(), 8 * 0x1.0p-20f), "Resize " + c.in.str());
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("QUANTIZE within one type (uint8 -> uint8, int8 -> int8) as XNNPACK's convert: GPU == twin, within a quantum and a half of exact") {
  std::mt19937 rng(24004);
  for (QuantType t : {QuantType::UInt8, QuantType::Int8})
    for (float ratio : {0.3f, 1.0f, 1.7f, 5.0f}) {
      const int32_t lo = t == QuantType::UInt8 ? 0 : -128;
      const TensorQuant in{t, 0.05f * ratio, lo + 37}, out{t, 0.05f, lo + 200};
      REQUIRE(usesConvert(in, out));
      Node node = quantNode(NodeKind::Quantize, {in}, out);
      const QuantizedTensor x = everyValue({2, 3, 5, 7}, in, rng);
      const QuantizedTensor ref = opKind(NodeKind::Quantize).integerReference(node, {&x});
      for (size_t i = 0; i < x.data.size(); ++i) {
        const double exact = double(in.scale) * (x.data[i] - in.zeroPoint) / out.scale + out.zeroPoint;
        if (exact > out.qmin() && exact < out.qmax()) REQUIRE(std::fabs(ref.data[i] - exact) <= 1.5);
      }
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
  CHECK_FALSE(usesConvert({QuantType::UInt8, 1.0f, 0}, {QuantType::Int8, 1.0f, 0}));  // between types: TFLite's builtin
  testing::expectNoValidationMessages();
}

TEST_CASE("ARG_MAX over channels: ties go to the first channel (TFLite's strict comparison); integer GPU == twin bit for bit, float exact") {
  std::mt19937 rng(24005);
  // Few distinct values, so most pixels hold ties, some among channels of different vec4 groups.
  const std::vector<Shape> shapes = {{1, 5, 7, 3}, {3, 4, 4, 13}, {2, 9, 1, 8}, {1, 1, 1, 1}, {1, 6, 5, 21}, {2, 3, 3, 256}};
  for (QuantType t : {QuantType::UInt8, QuantType::Int8}) {
    const TensorQuant grid{t, 0.04f, t == QuantType::UInt8 ? 128 : -3};
    for (const Shape& s : shapes) {
      CAPTURE(s.str());
      Node node = quantNode(NodeKind::ArgMax, {grid}, indexQuant());
      QuantizedTensor x(s, grid);
      for (auto& v : x.data) v = randomIn(rng, grid.qmax() - 3, grid.qmax()) - (t == QuantType::Int8 ? randomIn(rng, 0, 1) * 250 : 0);
      const QuantizedTensor ref = opKind(NodeKind::ArgMax).integerReference(node, {&x});
      REQUIRE(ref.shape == Shape{s.n, s.h, s.w, 1});
      size_t ties = 0;
      for (int n = 0; n < s.n; ++n)
        for (int y = 0; y < s.h; ++y)
          for (int xx = 0; xx < s.w; ++xx) {
            const int got = ref.at(n, y, xx, 0);
            int maxima = 0;
            for (int c = 0; c < s.c; ++c) {
              REQUIRE(x.at(n, y, xx, c) <= x.at(n, y, xx, got));
              if (c < got) REQUIRE(x.at(n, y, xx, c) < x.at(n, y, xx, got));  // the first maximum
              maxima += x.at(n, y, xx, c) == x.at(n, y, xx, got);
            }
            ties += maxima > 1;
          }
      if (s.c >= 8) CHECK(ties > 0);
      checkBitExact(runIntegerGpu(node, {&x}), ref);
    }
  }
  // 257 channels have no index on the index grid: refused by name, not wrapped.
  const TensorQuant grid{QuantType::UInt8, 0.1f, 0};
  Node wide = quantNode(NodeKind::ArgMax, {grid}, indexQuant());
  const QuantizedTensor x(Shape{1, 2, 2, 257}, grid);
  CHECK_THROWS_WITH_AS(opKind(NodeKind::ArgMax).integerReference(wide, {&x}), doctest::Contains("257 channels"), Error);
  const bool fp16 = testing::fp16StorageOrRefused();
  for (const Shape& s : shapes) {
    Node node;
    node.kind = NodeKind::ArgMax;
    node.name = "argmax";
    HostTensor a(s);
    for (auto& v : a.data) v = float(randomIn(rng, 0, 3)) * 0.5f - 1.0f;
    const HostTensor ref = opKind(NodeKind::ArgMax).reference(node, {&a}).at(0);
    for (Precision p : {Precision::FP32, Precision::FP16}) {  // the values and indices exact in fp16 too
      if (p == Precision::FP16 && !fp16) continue;
      testing::expectClose(runFloatGpu(node, {&a}, p), ref, std::vector<float>(ref.data.size(), 0.0f), "ArgMax " + s.str());
    }
  }
  testing::expectNoValidationMessages();
}
