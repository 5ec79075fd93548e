// TFLite (.tflite) importer: ADD (same shapes), CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D (global),
// MAX_POOL_2D, FULLY_CONNECTED, LOGISTIC, RESHAPE, SOFTMAX, the custom TFLite_Detection_PostProcess; float32, float16, uint8 and int8 (per-tensor and per-channel)
// weights dequantized to float. Quantized outputs carry their representable range as a clamp, which
// is how old TOCO uint8 files express ReLU6.
#include <flatbuffers/flatbuffers.h>
#include <flatbuffers/flexbuffers.h>

#include <algorithm>
#include <map>
#include <optional>

#include <cmath>
#include <cstring>

#include "graph/builder.h"
#include "half.h"
#include "import/importers.h"
#include "io/file_io.h"
#include "mobilevk/error.h"
#include "tflite_schema_generated.h"

namespace mobilevk {

namespace {
// A custom op's options: its flexbuffer map, verified, whose numeric entries are read by name;
// every refusal names `who` and the key.
class CustomOptionMap {
 public:
  CustomOptionMap(const uint8_t* bytes, size_t size, std::string who) : who_(std::move(who)) {
    std::vector<uint8_t> reuse;
    if (!bytes || size == 0 || !flexbuffers::VerifyBuffer(bytes, size, &reuse)) fail("its custom options are not a valid flexbuffer");
    const flexbuffers::Reference root = flexbuffers::GetRoot(bytes, size);
    if (!root.IsMap()) fail("its custom options are not a flexbuffer map");
    map_ = root.AsMap();
  }
  flexbuffers::Reference required(const char* key) const {
    const flexbuffers::Reference r = optional(key);
    if (r.IsNull()) fail(std::string("custom option '") + key + "' is missing");
    return r;
  }
  // Null when the key is absent.
  flexbuffers::Reference optional(const char* key) const {
    const flexbuffers::Reference r = map_[key];
    if (!r.IsNull() && !r.IsNumeric() && !r.IsBool()) fail(std::string("custom option '") + key + "' is not a number");
    return r;
  }

 private:
  [[noreturn]] void fail(const std::string& m) const { throw Error(ErrorCode::InvalidModel, who_ + ": " + m); }
  std::string who_;
  flexbuffers::Map map_ = flexbuffers::Map::EmptyMap();
};
}  // namespace

// Every option LiteRT reads, the two optional ones defaulted as it does (detections_per_class 100,
// use_regular_nms false), then validated.
DetectionOptions parseDetectionOptions(const uint8_t* bytes, size_t size, const std::string& who) {
  const CustomOptionMap m(bytes, size, who);
  DetectionOptions d;
  d.maxDetections = m.required("max_detections").AsInt32();
  d.maxClassesPerDetection = m.required("max_classes_per_detection").AsInt32();
  if (!m.optional("detections_per_class").IsNull()) d.detectionsPerClass = m.optional("detections_per_class").AsInt32();
  if (!m.optional("use_regular_nms").IsNull()) d.useRegularNms = m.optional("use_regular_nms").AsBool();
  d.scoreThreshold = m.required("nms_score_threshold").AsFloat();
  d.iouThreshold = m.required("nms_iou_threshold").AsFloat();
  d.numClasses = m.required("num_classes").AsInt32();
  d.yScale = m.required("y_scale").AsFloat();
  d.xScale = m.required("x_scale").AsFloat();
  d.hScale = m.required("h_scale").AsFloat();
  d.wScale = m.required("w_scale").AsFloat();
  d.validate(who);
  return d;
}

// Coral reads the four keys without defaults.
PoseOptions parsePoseOptions(const uint8_t* bytes, size_t size, const std::string& who) {
  const CustomOptionMap m(bytes, size, who);
  PoseOptions p;
  p.maxDetections = m.required("max_detections").AsInt32();
  p.scoreThreshold = m.required("score_threshold").AsFloat();
  p.stride = m.required("stride").AsInt32();
  p.nmsRadius = m.required("nms_radius").AsFloat();
  p.validate(who);
  return p;
}

namespace {

namespace op {
constexpr int kAdd = 0, kAveragePool2D = 1, kConcatenation = 2, kConv2D = 3, kLogistic = 14, kResizeBilinear = 23, kCustom = 32,
              kPad = 34, kDepthwiseConv2D = 4, kFullyConnected = 9, kMaxPool2D = 17, kReshape = 22,
              kSoftmax = 25, kMean = 40, kArgMax = 56, kQuantize = 114,
              kRelu = 19, kReluN1To1 = 20, kRelu6 = 21;
}
namespace type {
constexpr int kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kUInt8 = 3, kInt64 = 4, kInt16 = 7, kInt8 = 9;
}

const char* builtinName(int code) {
  static const char* names[] = {
      "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
      "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
      "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",
      "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
      "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD"};
  if (code >= 0 && code < int(sizeof(names) / sizeof(names[0]))) return names[code];
  if (code == 40) return "MEAN";
  if (code == 43) return "SQUEEZE";
  if (code == 56) return "ARG_MAX";
  if (code == 114) return "QUANTIZE";
  return nullptr;
}

std::string typeName(int t) {
  switch (t) {
    case type::kFloat32: return "FLOAT32";
    case type::kFloat16: return "FLOAT16";
    case type::kInt32: return "INT32";
    case type::kUInt8: return "UINT8";
    case type::kInt64: return "INT64";
    case type::kInt16: return "INT16";
    case type::kInt8: return "INT8";
    default: return "type " + std::to_string(t);
  }
}

class TfliteReader {
 public:
  explicit TfliteReader(std::string path) : path_(std::move(path)) {}

  std::shared_ptr<Graph> read() { return parse(readRegularFile(path_, 2ull << 30)); }

  std::shared_ptr<Graph> parse(std::vector<uint8_t> bytes) {
    bytes_ = std::move(bytes);
    if (bytes_.size() < 8 || std::memcmp(bytes_.data() + 4, "TFL3", 4) != 0)
      throw Error(ErrorCode::InvalidModel, path_ + ": not a TFLite model (no TFL3 file identifier)");
    flatbuffers::Verifier verifier(bytes_.data(), bytes_.size(), 64, 10000000);
    if (!tfl::VerifyModelBuffer(verifier))
      throw Error(ErrorCode::InvalidModel, path_ + ": corrupt TFLite file (flatbuffer verification failed: truncated or malformed)");
    model_ = tfl::GetModel(bytes_.data());
    if (!model_->subgraphs() || model_->subgraphs()->size() == 0) fail("the model has no subgraph");
    sg_ = model_->subgraphs()->Get(0);
    if (!sg_->tensors() || !sg_->operators() || !sg_->inputs() || !sg_->outputs()) fail("subgraph 0 is incomplete");
    if (sg_->inputs()->size() != 1) fail("expected 1 input tensor, found " + std::to_string(sg_->inputs()->size()));
    if (sg_->outputs()->size() == 0) fail("the subgraph has no output tensor");

    const std::string base = path_.substr(path_.find_last_of('/') + 1);
    GraphBuilder builder(base.substr(0, base.rfind(".tflite")), "tflite");
    builder_ = &builder;
    graph_ = &builder.graph();
    readInput();
    for (uint32_t i = 0; i < sg_->operators()->size(); ++i) readOperator(i);
    for (uint32_t i = 0; i < sg_->outputs()->size(); ++i) {
      const int t = sg_->outputs()->Get(i);
      const std::string what = "the subgraph's output " + std::to_string(i) + " (tensor " + std::to_string(t) + ")";
      tensor(t, what);
      const auto found = valueOf_.find(t);
      if (found == valueOf_.end()) fail(what + " is computed by no operator mobilevk runs");
      if (found->second == builder.input()) fail(what + " is the model input itself");
      builder.markOutput(found->second);
    }
    return builder.finish();  // validated once, when it becomes a Model
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const { throw Error(ErrorCode::InvalidModel, path_ + ": " + msg); }
  [[noreturn]] void unsupported(const std::string& msg) const { throw Error(ErrorCode::Unsupported, path_ + ": " + msg); }

  const tfl::Tensor* tensor(int index, const std::string& what) const {
    if (index < 0 || uint32_t(index) >= sg_->tensors()->size())
      fail(what + " refers to tensor " + std::to_string(index) + ", but there are " +
           std::to_string(sg_->tensors()->size()));
    return sg_->tensors()->Get(uint32_t(index));
  }

  static std::string tensorName(const tfl::Tensor* t) { return t->name() ? t->name()->str() : "(unnamed)"; }

  std::vector<int> shapeOf(const tfl::Tensor* t) const {
    std::vector<int> s;
    if (t->shape())
      for (int d : *t->shape()) s.push_back(d);
    return s;
  }

  static std::string shapeStr(const std::vector<int>& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
    return r + "]";
  }

  // A scale that is zero, negative, NaN or Inf, or a zero point outside the type's range, would
  // turn every value of the tensor into garbage: refused, naming the tensor.
  void checkQuantization(double scale, int64_t zp, int ty, const std::string& who, uint32_t channel) const {
    const std::string at = channel == ~0u ? "" : " (channel " + std::to_string(channel) + ")";
    if (!std::isfinite(scale) || scale <= 0)
      fail(who + " has quantization scale " + std::to_string(scale) + at + "; a scale must be finite and > 0");
    const int64_t lo = ty == type::kUInt8 ? 0 : ty == type::kInt8 ? -128 : INT32_MIN;
    const int64_t hi = ty == type::kUInt8 ? 255 : ty == type::kInt8 ? 127 : INT32_MAX;
    if (zp < lo || zp > hi)
      fail(who + " has zero point " + std::to_string(zp) + at + ", outside " + typeName(ty) + "'s range [" +
           std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }

  struct ConstantBytes {
    const uint8_t* data = nullptr;
    uint64_t count = 0;
  };

  // The bytes of a constant tensor, checked against its shape and type.
  ConstantBytes constantBytes(const tfl::Tensor* t, const std::string& who) const {
    const auto shape = shapeOf(t);
    uint64_t count = 1;
    for (int d : shape) {
      if (d <= 0) fail(who + " has shape " + shapeStr(shape) + " with a non-positive dimension");
      count *= uint64_t(d);
      if (count > (1ull << 28)) fail(who + " has " + shapeStr(shape) + " elements, more than mobilevk accepts");
    }
    if (!model_->buffers() || t->buffer() >= model_->buffers()->size())
      fail(who + " refers to buffer " + std::to_string(t->buffer()) + " which does not exist");
    const tfl::Buffer* b = model_->buffers()->Get(t->buffer());
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    if (b->data()) {
      data = b->data()->data();
      size = b->data()->size();
    } else if (b->offset() > 1) {
      if (b->offset() > bytes_.size() || b->size() > bytes_.size() - b->offset())
        fail(who + ": its external buffer [" + std::to_string(b->offset()) + ", +" + std::to_string(b->size()) +
             ") lies outside the file");
      data = bytes_.data() + b->offset();
      size = b->size();
    }
    if (!data) fail(who + " has no constant data (it must be a weight, not a computed tensor)");
    const int ty = t->type();
    const uint64_t elemBytes = ty == type::kFloat32 || ty == type::kInt32 ? 4 : ty == type::kFloat16 ? 2
                               : ty == type::kUInt8 || ty == type::kInt8 ? 1 : 0;
    if (!elemBytes) fail(who + " has unsupported element type " + typeName(ty));
    if (size != count * elemBytes)
      fail(who + " holds " + std::to_string(size) + " bytes, its shape " + shapeStr(shape) + " and type " +
           typeName(ty) + " need " + std::to_string(count * elemBytes));
    return {data, count};
  }

  // Constant data of a tensor, dequantized to float: real = scale * (q - zero_point), per channel
  // along quantized_dimension where the file gives several scales.
  std::vector<float> constant(const tfl::Tensor* t, const std::string& role) const {
    const std::string who = role + " tensor '" + tensorName(t) + "'";
    const auto [data, count] = constantBytes(t, who);
    const uint64_t size = count * (t->type() == type::kFloat16 ? 2 : 4);
    const int ty = t->type();
    const auto shape = shapeOf(t);
    std::vector<float> out(count);
    if (ty == type::kFloat32) {
      std::memcpy(out.data(), data, size);
      for (float v : out)
        if (!std::isfinite(v)) fail(who + " contains a non-finite value");
      return out;
    }
    if (ty == type::kFloat16) {
      for (uint64_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, data + 2 * i, 2);
        out[i] = halfToFloat(h);
        if (!std::isfinite(out[i])) fail(who + " contains a non-finite float16 value at index " + std::to_string(i));
      }
      return out;
    }
    const ChannelQuant cq = channelQuant(t, who);
    const std::vector<int32_t> values = integers(t, data, count);
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t ch = cq.channelOf(i);
      out[i] = float(double(cq.scales[ch]) * double(int64_t(values[i]) - cq.zeroPoints[ch]));
    }
    return out;
  }

  // A quantized constant's scales and zero points: one, or one per index of quantized_dimension.
  struct ChannelQuant {
    std::vector<float> scales;
    std::vector<int32_t> zeroPoints;
    int axis = 0;
    uint64_t inner = 1;  // elements per step along the axis
    uint32_t channelOf(uint64_t i) const { return scales.size() > 1 ? uint32_t((i / inner) % scales.size()) : 0; }
  };

  ChannelQuant channelQuant(const tfl::Tensor* t, const std::string& who) const {
    const int ty = t->type();
    const auto shape = shapeOf(t);
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() == 0) fail(who + " is " + typeName(ty) + " but has no quantization scale");
    const uint32_t nScales = q->scale()->size();
    ChannelQuant cq;
    cq.axis = q->quantized_dimension();
    if (nScales > 1) {
      if (cq.axis < 0 || size_t(cq.axis) >= shape.size() || uint32_t(shape[cq.axis]) != nScales)
        fail(who + " has " + std::to_string(nScales) + " scales along dimension " + std::to_string(cq.axis) +
             " of shape " + shapeStr(shape));
      for (size_t d = size_t(cq.axis) + 1; d < shape.size(); ++d) cq.inner *= uint64_t(shape[d]);
    }
    const uint32_t nZero = q->zero_point() ? q->zero_point()->size() : 0;
    if (nZero != 0 && nZero != nScales)
      fail(who + " has " + std::to_string(nZero) + " zero points for " + std::to_string(nScales) + " scales");
    for (uint32_t ch = 0; ch < nScales; ++ch) {
      const int64_t zp = nZero ? q->zero_point()->Get(ch) : 0;
      checkQuantization(q->scale()->Get(ch), zp, ty, who, nScales > 1 ? ch : ~0u);
      cq.scales.push_back(q->scale()->Get(ch));
      cq.zeroPoints.push_back(int32_t(zp));
    }
    return cq;
  }

  // The stored integers of a uint8, int8 or int32 constant.
  static std::vector<int32_t> integers(const tfl::Tensor* t, const uint8_t* data, uint64_t count) {
    std::vector<int32_t> v(count);
    const int ty = t->type();
    for (uint64_t i = 0; i < count; ++i) {
      if (ty == type::kUInt8) v[i] = data[i];
      else if (ty == type::kInt8) v[i] = int8_t(data[i]);
      else std::memcpy(&v[i], data + 4 * i, 4);
    }
    return v;
  }

  void readInput() {
    const int index = sg_->inputs()->Get(0);
    const auto* t = tensor(index, "the subgraph input");
    valueOf_[index] = builder_->setInput(tensorName(t));
    const auto s = shapeOf(t);
    if (s.size() != 4 || (s[0] != 1 && s[0] != -1) || s[1] <= 0 || s[2] <= 0 || s[3] <= 0)
      fail("input '" + tensorName(t) + "' has shape " + shapeStr(s) + ", expected [1, H, W, C]");
    auto& in = graph_->input;
    in.height = s[1];
    in.width = s[2];
    in.channels = s[3];
    const int ty = t->type();
    if (ty == type::kFloat32) {
      // A float file does not record its normalization; MobileNet's [-1, 1] is the common one.
      in.source = "float input: assumed [-1, 1] (x/127.5 - 1); override with --input-range";
      return;
    }
    if (ty != type::kUInt8 && ty != type::kInt8) fail("input '" + tensorName(t) + "' has unsupported type " + typeName(ty));
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() != 1)
      fail("quantized input '" + tensorName(t) + "' needs exactly one scale");
    const float scale = q->scale()->Get(0);
    const int64_t zp = q->zero_point() && q->zero_point()->size() ? q->zero_point()->Get(0) : 0;
    checkQuantization(scale, zp, ty, "input tensor '" + tensorName(t) + "'", ~0u);
    // uint8 input: q = pixel. int8 input: q = pixel - 128. real = scale * (q - zero_point).
    const double shift = ty == type::kInt8 ? -128.0 : 0.0;
    for (int c = 0; c < 3; ++c) {
      in.scale[c] = scale;
      in.offset[c] = float(double(scale) * (shift - double(zp)));
    }
    builder_->setInput(tensorName(t), activationQuant(t));
    in.source = "input quantization (" + typeName(ty) + ", scale " + std::to_string(scale) + ", zero point " +
                std::to_string(zp) + ")";
  }

  // The range a quantized output can represent, as a clamp (TOCO's implied ReLU6).
  void clampToQuantizedRange(ConvDesc& d, const std::string& layer, const tfl::Tensor* out) const {
    const int ty = out->type();
    if (ty != type::kUInt8 && ty != type::kInt8) return;
    const auto* q = out->quantization();
    if (!q || !q->scale() || q->scale()->size() != 1) return;
    const double scale = q->scale()->Get(0);
    const double zp = q->zero_point() && q->zero_point()->size() ? double(q->zero_point()->Get(0)) : 0.0;
    checkQuantization(scale, int64_t(zp), ty, "output tensor '" + tensorName(out) + "' of " + layer, ~0u);
    const double lo = ty == type::kUInt8 ? 0.0 : -128.0, hi = ty == type::kUInt8 ? 255.0 : 127.0;
    d.activation.min = std::max(d.activation.min, float(scale * (lo - zp)));
    d.activation.max = std::min(d.activation.max, float(scale * (hi - zp)));
  }

  Activation fusedActivation(int f, const std::string& who) const {
    switch (f) {
      case 0: return Activation::none();
      case 1: return Activation::relu();
      case 2: return Activation::clamp(-1.0f, 1.0f);
      case 3: return Activation::relu6();
      default: unsupported(who + ": fused activation " + std::to_string(f) + " (TANH/SIGN_BIT) is not supported");
    }
  }

  static Padding padding(int p) { return p == 0 ? Padding::same() : Padding::valid(); }

  // A tensor shape as mobilevk's NHWC Shape at batch 1: [1, H, W, C]; [1, N, C] (a list of N rows,
  // as SSD's heads) as N x 1 x C; [1, C] as 1 x 1 x C. The batch must be 1 (or -1, any).
  std::optional<Shape> nhwc(const std::vector<int>& s) const {
    for (size_t i = 1; i < s.size(); ++i)
      if (s[i] <= 0) return std::nullopt;
    if (s.empty() || (s[0] != 1 && s[0] != -1)) return std::nullopt;
    if (s.size() == 4) return Shape{1, s[1], s[2], s[3]};
    if (s.size() == 3) return Shape{1, s[1], 1, s[2]};
    if (s.size() == 2) return Shape{1, 1, 1, s[1]};
    return std::nullopt;
  }
  // The NHWC axis (1 = H, 2 = W, 3 = C) of axis `a` of a tensor of rank `rank`, as nhwc() maps it.
  static int nhwcAxis(int a, size_t rank) {
    if (a < 0) a += int(rank);
    if (rank == 4) return a >= 1 && a <= 3 ? a : -1;
    if (rank == 3) return a == 1 ? 1 : a == 2 ? 3 : -1;
    if (rank == 2) return a == 1 ? 3 : -1;
    return -1;
  }

  // The first `count` inputs of a custom op, each computed by an earlier operator.
  std::vector<ValueId> computedInputs(const tfl::Operator* o, uint32_t count, const std::string& who) const {
    std::vector<ValueId> reads;
    for (uint32_t i = 0; i < count; ++i) {
      const int t = o->inputs()->Get(i);
      tensor(t, who + " input " + std::to_string(i));
      const auto found = valueOf_.find(t);
      if (found == valueOf_.end()) fail(who + " reads tensor " + std::to_string(t) + ", which no earlier operator computes");
      reads.push_back(found->second);
    }
    return reads;
  }
  // A host node's float outputs (the op's tensors, in order), added to the graph.
  void addHostNode(Node n, std::vector<ValueId> reads, const tfl::Operator* o, const std::string& who) {
    std::vector<std::string> names;
    for (uint32_t i = 0; i < o->outputs()->size(); ++i) {
      const int t = o->outputs()->Get(i);
      const tfl::Tensor* out = tensor(t, who + " output " + std::to_string(i));
      if (out->type() != type::kFloat32) fail(who + ": output " + std::to_string(i) + " is " + typeName(out->type()) + ", expected FLOAT32");
      if (valueOf_.count(t)) fail(who + " writes tensor " + std::to_string(t) + ", which already has a producer");
      names.push_back(tensorName(out));
    }
    n.name = names.at(0);
    const std::vector<ValueId> outs = builder_->addWithOutputs(std::move(n), std::move(reads), names);
    for (uint32_t i = 0; i < outs.size(); ++i) valueOf_[o->outputs()->Get(i)] = outs[i];
  }
  // The custom op's flexbuffer map (its options), or a refusal naming `who`.
  std::pair<const uint8_t*, size_t> customOptions(const tfl::Operator* o, const std::string& who) const {
    if (!o->custom_options() || o->custom_options()->size() == 0) fail(who + ": no custom options (the op's flexbuffer map)");
    return {o->custom_options()->data(), o->custom_options()->size()};
  }

  // Coral's PosenetDecoderOp: heatmaps, short and mid offsets (computed; uint8 or float, as the op
  // takes them); its options from the flexbuffer map. The variant with long offsets and instance
  // masks (BodyPix, 4 inputs and 5 outputs) is refused by name.
  void readPosenetDecoder(const tfl::Operator* o, const std::string& who) {
    if (o->inputs() && o->inputs()->size() == 4)
      unsupported(who + ": 4 inputs (with long offsets: the instance-mask variant); mobilevk decodes poses from 3");
    if (!o->inputs() || o->inputs()->size() != 3) fail(who + ": expected 3 inputs (heatmaps, short offsets, mid offsets)");
    if (!o->outputs() || o->outputs()->size() != 4) fail(who + ": expected 4 outputs (keypoints, keypoint scores, pose scores, count)");
    for (uint32_t i = 0; i < 3; ++i) {
      const tfl::Tensor* in = tensor(o->inputs()->Get(i), who + " input " + std::to_string(i));
      if (in->type() != type::kUInt8 && in->type() != type::kFloat32)
        fail(who + ": input " + std::to_string(i) + " is " + typeName(in->type()) + "; the decoder reads UINT8 or FLOAT32");
    }
    std::vector<ValueId> reads = computedInputs(o, 3, who);
    Node n;
    n.kind = NodeKind::PosenetDecoder;
    const auto [bytes, size] = customOptions(o, who);
    try {
      n.params = PoseParams{parsePoseOptions(bytes, size, who)};
    } catch (const Error& e) {
      fail(std::string(e.what()));
    }
    addHostNode(std::move(n), std::move(reads), o, who);
  }

  // TFLite_Detection_PostProcess: box encodings and class scores (computed), anchors (a constant);
  // its options from the custom op's flexbuffer map.
  void readDetectionPostProcess(const tfl::Operator* o, const std::string& who) {
    if (!o->inputs() || o->inputs()->size() != 3) fail(who + ": expected 3 inputs (box encodings, class scores, anchors)");
    if (!o->outputs() || o->outputs()->size() != 4) fail(who + ": expected 4 outputs (boxes, classes, scores, count)");
    std::vector<ValueId> reads = computedInputs(o, 2, who);
    const tfl::Tensor* anchors = tensor(o->inputs()->Get(2), who + " anchors");
    const auto as = shapeOf(anchors);
    if (as.size() != 2 || as[1] != 4) fail(who + ": anchors '" + tensorName(anchors) + "' have shape " + shapeStr(as) + ", expected [N, 4]");
    Node n;
    n.kind = NodeKind::DetectionPostProcess;
    DetectionParams p;
    const std::vector<float> a = constant(anchors, "anchors");
    for (size_t i = 0; i + 3 < a.size(); i += 4) p.anchors.push_back({a[i], a[i + 1], a[i + 2], a[i + 3]});
    const auto [bytes, size] = customOptions(o, who);
    try {
      p.options = parseDetectionOptions(bytes, size, who);
    } catch (const Error& e) {
      fail(std::string(e.what()));
    }
    n.params = std::move(p);
    addHostNode(std::move(n), std::move(reads), o, who);
  }

  void readOperator(uint32_t index) {
    const tfl::Operator* o = sg_->operators()->Get(index);
    if (!model_->operator_codes() || o->opcode_index() >= model_->operator_codes()->size())
      fail("operator " + std::to_string(index) + " has an invalid opcode index");
    const auto* oc = model_->operator_codes()->Get(o->opcode_index());
    const int code = std::max<int>(oc->deprecated_builtin_code(), oc->builtin_code());
    const char* name = builtinName(code);
    std::string opName = name ? name : "builtin op " + std::to_string(code);
    if (code == 32 && oc->custom_code()) opName = "CUSTOM op '" + oc->custom_code()->str() + "'";
    if (code == op::kCustom && oc->custom_code() && oc->custom_code()->str() == "TFLite_Detection_PostProcess")
      return readDetectionPostProcess(o, "operator " + std::to_string(index) + " (" + opName + ")");
    if (code == op::kCustom && oc->custom_code() && oc->custom_code()->str() == "PosenetDecoderOp")
      return readPosenetDecoder(o, "operator " + std::to_string(index) + " (" + opName + ")");
    if (!o->inputs() || o->inputs()->size() == 0 || !o->outputs() || o->outputs()->size() != 1)
      fail("operator " + std::to_string(index) + " (" + opName + ") must have inputs and exactly one output");
    const tfl::Tensor* out = tensor(o->outputs()->Get(0), opName + " output");
    const std::string who = "operator " + std::to_string(index) + " (" + opName + ", output '" + tensorName(out) + "')";
    const int in0 = o->inputs()->Get(0);
    const tfl::Tensor* inT = tensor(in0, who + " input");
    // The values this operator reads: its activation inputs, each computed by an earlier operator
    // (operators are stored in execution order, so this also refuses a cycle).
    auto valueAt = [&](uint32_t i) {
      const int t = o->inputs()->Get(i);
      tensor(t, who + " input " + std::to_string(i));
      const auto found = valueOf_.find(t);
      if (found == valueOf_.end())
        fail(who + " reads tensor " + std::to_string(t) + " ('" + tensorName(sg_->tensors()->Get(uint32_t(t))) +
             "'), which is neither the model input nor the output of an earlier operator");
      return found->second;
    };
    std::vector<ValueId> reads{valueAt(0)};
    const int outIndex = o->outputs()->Get(0);
    if (valueOf_.count(outIndex)) fail(who + " writes tensor " + std::to_string(outIndex) + ", which already has a producer");
    const auto inShape = shapeOf(inT);
    auto input = [&](uint32_t i) -> const tfl::Tensor* {
      if (o->inputs()->size() <= i || o->inputs()->Get(i) < 0) return nullptr;
      return tensor(o->inputs()->Get(i), who + " input " + std::to_string(i));
    };

    Node n;
    n.name = tensorName(out);
    ConvDesc d;  // what the kind's parameters are made of (below, after the switch)
    d.name = n.name;
    switch (code) {
      case op::kConv2D:
      case op::kDepthwiseConv2D: {
        const tfl::Tensor* w = input(1);
        if (!w) fail(who + ": missing filter tensor");
        const auto ws = shapeOf(w);
        if (ws.size() != 4) fail(who + ": filter has shape " + shapeStr(ws) + ", expected 4 dimensions");
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        const int inC = inShape[3];
        int padKind, sw, sh, act, dw, dh;
        if (code == op::kConv2D) {
          const auto* opt = o->builtin_options_as_Conv2DOptions();
          if (!opt) fail(who + ": missing Conv2DOptions");
          padKind = opt->padding(); sw = opt->stride_w(); sh = opt->stride_h(); act = opt->fused_activation_function();
          dw = opt->dilation_w_factor(); dh = opt->dilation_h_factor();
          if (ws[3] != inC) fail(who + ": filter " + shapeStr(ws) + " expects " + std::to_string(ws[3]) + " input channels, input has " + std::to_string(inC));
          d.inChannels = inC;
          d.outChannels = ws[0];
          d.window = {ws[1], ws[2], sh, sw, padding(padKind)};
          d.weights = constant(w, "filter");  // OHWI already
          n.kind = ws[1] == 1 && ws[2] == 1 && sh == 1 && sw == 1 ? NodeKind::PointwiseConv : NodeKind::Conv2D;
          if (n.kind == NodeKind::PointwiseConv) d.window.padding = Padding::valid();  // 1x1: SAME pads nothing
        } else {
          const auto* opt = o->builtin_options_as_DepthwiseConv2DOptions();
          if (!opt) fail(who + ": missing DepthwiseConv2DOptions");
          padKind = opt->padding(); sw = opt->stride_w(); sh = opt->stride_h(); act = opt->fused_activation_function();
          dw = opt->dilation_w_factor(); dh = opt->dilation_h_factor();
          if (ws[0] != 1 || ws[3] != inC)
            fail(who + ": filter " + shapeStr(ws) + " with input of " + std::to_string(inC) +
                 " channels; only depth multiplier 1 ([1, kH, kW, C]) is supported");
          d.inChannels = d.outChannels = inC;
          d.window = {ws[1], ws[2], sh, sw, padding(padKind)};
          d.weights = constant(w, "filter");  // 1HWC == HWC
          n.kind = NodeKind::DepthwiseConv;
        }
        if (padKind != 0 && padKind != 1) fail(who + ": unknown padding " + std::to_string(padKind));
        if (dw <= 0 || dh <= 0) fail(who + ": dilation " + std::to_string(dh) + "x" + std::to_string(dw) + " must be positive");
        d.window.dilationY = dh;
        d.window.dilationX = dw;
        if (n.kind == NodeKind::PointwiseConv) d.window.dilationY = d.window.dilationX = 1;  // one tap: dilation changes nothing
        if (sw <= 0 || sh <= 0) fail(who + ": stride " + std::to_string(sh) + "x" + std::to_string(sw) + " must be positive");
        if (const tfl::Tensor* b = input(2)) d.bias = constant(b, "bias");
        d.activation = fusedActivation(act, who);
        clampToQuantizedRange(d, n.name, out);
        break;
      }
      case op::kFullyConnected: {
        const auto* opt = o->builtin_options_as_FullyConnectedOptions();
        const tfl::Tensor* w = input(1);
        if (!w) fail(who + ": missing weights tensor");
        const auto ws = shapeOf(w);
        if (ws.size() != 2) fail(who + ": weights have shape " + shapeStr(ws) + ", expected [out, in]");
        if (opt && opt->weights_format() != 0) unsupported(who + ": shuffled weights format is not supported");
        d.inChannels = ws[1];
        d.outChannels = ws[0];
        d.weights = constant(w, "weights");
        if (const tfl::Tensor* b = input(2)) d.bias = constant(b, "bias");
        d.activation = fusedActivation(opt ? opt->fused_activation_function() : 0, who);
        n.kind = NodeKind::FullyConnected;
        clampToQuantizedRange(d, n.name, out);
        break;
      }
      case op::kAveragePool2D: {
        const auto* opt = o->builtin_options_as_Pool2DOptions();
        if (!opt) fail(who + ": missing Pool2DOptions");
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        const auto os = shapeOf(out);
        const bool global = opt->filter_height() == inShape[1] && opt->filter_width() == inShape[2] &&
                            os.size() == 4 && os[1] == 1 && os[2] == 1;
        if (!global)
          fail(who + ": only global average pooling is supported (filter " + std::to_string(opt->filter_height()) + "x" +
               std::to_string(opt->filter_width()) + " over input " + shapeStr(inShape) + ")");
        if (opt->fused_activation_function() != 0) unsupported(who + ": a fused activation on pooling is not supported");
        n.kind = NodeKind::GlobalAvgPool;
        break;
      }
      case op::kMaxPool2D: {
        const auto* opt = o->builtin_options_as_Pool2DOptions();
        if (!opt) fail(who + ": missing Pool2DOptions");
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        if (opt->padding() != 0 && opt->padding() != 1) fail(who + ": unknown padding " + std::to_string(opt->padding()));
        if (opt->filter_height() <= 0 || opt->filter_width() <= 0 || opt->stride_h() <= 0 || opt->stride_w() <= 0)
          fail(who + ": filter " + std::to_string(opt->filter_height()) + "x" + std::to_string(opt->filter_width()) +
               " and stride " + std::to_string(opt->stride_h()) + "x" + std::to_string(opt->stride_w()) + " must be positive");
        d.inChannels = d.outChannels = inShape[3];
        d.window = {opt->filter_height(), opt->filter_width(), opt->stride_h(), opt->stride_w(), padding(opt->padding())};
        d.activation = fusedActivation(opt->fused_activation_function(), who);
        n.kind = NodeKind::MaxPool2D;
        clampToQuantizedRange(d, n.name, out);
        break;
      }
      case op::kReshape: {
        const auto os = shapeOf(out);
        const auto from = nhwc(inShape), to = nhwc(os);
        if (!from || !to || uint64_t(from->h) * from->w * from->c != uint64_t(to->h) * to->w * to->c)
          unsupported(who + ": reshape " + shapeStr(inShape) + " -> " + shapeStr(os) +
                      " is not supported (mobilevk reshapes one image: [1, ...] to [1, ...] of as many elements)");
        if (*from == *to) {
          valueOf_[outIndex] = reads[0];  // the same NHWC shape (a 1x1 map flattened, a squeeze): no node
          return;
        }
        n.kind = NodeKind::Reshape;
        n.params = ReshapeParams{*to};
        break;
      }
      case op::kConcatenation: {
        const auto* opt = o->builtin_options_as_ConcatenationOptions();
        const int act = opt ? opt->fused_activation_function() : 0;
        if (act != 0) unsupported(who + ": a fused activation on CONCATENATION is not supported");
        const int axis = nhwcAxis(opt ? opt->axis() : 0, inShape.size());
        if (!nhwc(inShape) || axis < 0)
          unsupported(who + ": concatenation along axis " + std::to_string(opt ? opt->axis() : 0) + " of " + shapeStr(inShape) +
                      " (mobilevk joins images along height, width or channels)");
        for (uint32_t i = 1; i < o->inputs()->size(); ++i) {
          const tfl::Tensor* other = tensor(o->inputs()->Get(i), who + " input " + std::to_string(i));
          if (isQuantized(other) != isQuantized(inT) || other->type() != inT->type())
            fail(who + ": input 0 is " + typeName(inT->type()) + " and input " + std::to_string(i) + " " + typeName(other->type()));
          reads.push_back(valueAt(i));
        }
        n.kind = NodeKind::Concatenation;
        n.params = ConcatParams{axis};
        break;
      }
      case op::kLogistic: {
        n.kind = NodeKind::Logistic;
        break;
      }
      case op::kResizeBilinear: {
        const auto* opt = o->builtin_options_as_ResizeBilinearOptions();
        const tfl::Tensor* size = input(1);
        if (!size) fail(who + ": missing size tensor");
        const std::string whoS = "size tensor '" + tensorName(size) + "' of " + who;
        if (size->type() != type::kInt32 || shapeOf(size) != std::vector<int>{2})
          unsupported(whoS + " is " + typeName(size->type()) + " " + shapeStr(shapeOf(size)) + "; mobilevk reads a constant INT32 [2]");
        const auto [sdata, scount] = constantBytes(size, whoS);
        const std::vector<int32_t> hw = integers(size, sdata, scount);
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        n.kind = NodeKind::ResizeBilinear;
        n.params = ResizeParams{hw[0], hw[1], opt && opt->align_corners(), opt && opt->half_pixel_centers()};
        break;
      }
      case op::kPad: {
        // Constant padding of H and W: paddings [[0,0],[top,bottom],[left,right],[0,0]].
        const tfl::Tensor* pads = input(1);
        if (!pads) fail(who + ": missing paddings tensor");
        const std::string whoP = "paddings tensor '" + tensorName(pads) + "' of " + who;
        if (pads->type() != type::kInt32) unsupported(whoP + " is " + typeName(pads->type()) + "; mobilevk reads INT32 paddings");
        if (shapeOf(pads) != std::vector<int>{4, 2} || inShape.size() != 4)
          unsupported(who + ": paddings " + shapeStr(shapeOf(pads)) + " of input " + shapeStr(inShape) + "; mobilevk pads NHWC tensors ([4, 2])");
        const auto [pdata, pcount] = constantBytes(pads, whoP);
        const std::vector<int32_t> p = integers(pads, pdata, pcount);
        if (p[0] || p[1] || p[6] || p[7])
          unsupported(who + ": padding of the batch or channels (" + std::to_string(p[0]) + "," + std::to_string(p[1]) + " / " +
                      std::to_string(p[6]) + "," + std::to_string(p[7]) + "); mobilevk pads height and width");
        for (int32_t v : p)
          if (v < 0 || v > 4096) fail(whoP + " holds " + std::to_string(v) + "; paddings must be in [0, 4096]");
        n.kind = NodeKind::Pad;
        n.params = PadParams{p[2], p[3], p[4], p[5]};
        break;
      }
      case op::kArgMax: {
        // The index of the largest channel of an NHWC tensor, as INT32 or INT64 [1, H, W].
        const tfl::Tensor* axisT = input(1);
        if (!axisT) fail(who + ": missing axis tensor");
        const std::string whoA = "axis tensor '" + tensorName(axisT) + "' of " + who;
        if (axisT->type() != type::kInt32) unsupported(whoA + " is " + typeName(axisT->type()) + "; mobilevk reads an INT32 axis");
        const auto [adata, acount] = constantBytes(axisT, whoA);
        const std::vector<int32_t> axis = integers(axisT, adata, acount);
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        if (axis.size() != 1 || (axis[0] != 3 && axis[0] != -1))
          unsupported(who + ": arg max over axis " + (axis.size() == 1 ? std::to_string(axis[0]) : shapeStr(shapeOf(axisT))) +
                      "; mobilevk takes it over the channels (axis 3)");
        const int outType = out->type();
        if (outType != type::kInt32 && outType != type::kInt64)
          fail(who + ": output is " + typeName(outType) + ", expected INT32 or INT64");
        const auto* opt = o->builtin_options_as_ArgMaxOptions();
        if (opt && opt->output_type() != outType)
          fail(who + ": its options say output_type " + typeName(opt->output_type()) + ", its output tensor is " + typeName(outType));
        const std::vector<int> expected{inShape[0], inShape[1], inShape[2]};
        if (shapeOf(out) != expected)
          fail(who + ": output has shape " + shapeStr(shapeOf(out)) + ", expected " + shapeStr(expected) + " (the input's without its channels)");
        n.kind = NodeKind::ArgMax;
        break;
      }
      case op::kSoftmax: {
        const auto* opt = o->builtin_options_as_SoftmaxOptions();
        if (opt && opt->beta() != 1.0f) unsupported(who + ": softmax beta " + std::to_string(opt->beta()) + " is not supported (only 1)");
        n.kind = NodeKind::Softmax;
        break;
      }
      case op::kAdd: {
        if (o->inputs()->size() != 2) fail(who + ": expected 2 inputs, found " + std::to_string(o->inputs()->size()));
        const auto* opt = o->builtin_options_as_AddOptions();
        const tfl::Tensor* other = tensor(o->inputs()->Get(1), who + " input 1");
        if (shapeOf(other) != inShape || shapeOf(out) != inShape)
          unsupported(who + ": inputs " + shapeStr(inShape) + " and " + shapeStr(shapeOf(other)) + " -> " + shapeStr(shapeOf(out)) +
                      "; mobilevk adds tensors of one shape (no broadcasting)");
        if (isQuantized(inT) != isQuantized(other) || (isQuantized(inT) && inT->type() != other->type()))
          fail(who + ": input 0 is " + typeName(inT->type()) + " and input 1 " + typeName(other->type()));
        reads.push_back(valueAt(1));
        d.activation = fusedActivation(opt ? opt->fused_activation_function() : 0, who);
        n.kind = NodeKind::Add;
        break;
      }
      case op::kMean: {
        // Global pooling as TF2 writes it: the mean over height and width of an NHWC tensor.
        if (inShape.size() != 4) fail(who + ": input has shape " + shapeStr(inShape) + ", expected NHWC");
        const tfl::Tensor* axes = input(1);
        if (!axes) fail(who + ": missing axis tensor");
        const std::string whoA = "axis tensor '" + tensorName(axes) + "' of " + who;
        if (axes->type() != type::kInt32) fail(whoA + " is " + typeName(axes->type()) + ", expected INT32");
        const auto [adata, acount] = constantBytes(axes, whoA);
        const std::vector<int32_t> axis = integers(axes, adata, acount);
        std::vector<int32_t> sorted;
        for (int32_t a : axis) sorted.push_back(a < 0 ? a + 4 : a);
        std::sort(sorted.begin(), sorted.end());
        if (sorted != std::vector<int32_t>{1, 2}) {
          std::string list;
          for (int32_t a : axis) list += (list.empty() ? "" : ",") + std::to_string(a);
          unsupported(who + ": mean over axes [" + list + "]; mobilevk takes the mean over height and width (axes [1,2])");
        }
        n.kind = NodeKind::Mean;
        break;
      }
      case op::kRelu:
      case op::kReluN1To1:
      case op::kRelu6: {
        // A Clamp node, which the Model's fold pass merges into its producer where it can.
        d.activation = code == op::kRelu ? Activation::relu() : code == op::kRelu6 ? Activation::relu6() : Activation::clamp(-1.0f, 1.0f);
        n.kind = NodeKind::Clamp;
        break;
      }
      case op::kQuantize: {
        const int from = inT->type(), to = out->type();
        const bool eightBit = (from == type::kUInt8 || from == type::kInt8) && (to == type::kUInt8 || to == type::kInt8);
        if (!eightBit)
          unsupported(who + ": QUANTIZE from " + typeName(from) + " to " + typeName(to) +
                      "; mobilevk requantizes between 8-bit grids (UINT8 and INT8) only");
        n.kind = NodeKind::Quantize;
        break;
      }
      default:
        unsupported(who + " is not supported (mobilevk runs ADD, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, FULLY_CONNECTED, "
                   "ARG_MAX, MAX_POOL_2D, MEAN, PAD, QUANTIZE, RELU, RELU6, RELU_N1_TO_1, RESHAPE, RESIZE_BILINEAR, SOFTMAX, CONCATENATION, LOGISTIC and the custom "
                   "TFLite_Detection_PostProcess and PosenetDecoderOp)");
    }
    if (hasWeights(n.kind)) n.params = std::move(d);
    else if (n.kind == NodeKind::Reshape || n.kind == NodeKind::Concatenation || n.kind == NodeKind::Pad ||
             n.kind == NodeKind::ResizeBilinear) {}  // set above
    else if (n.kind == NodeKind::MaxPool2D) n.params = PoolParams{d.window, d.activation};
    else if (n.kind == NodeKind::Add || n.kind == NodeKind::Clamp) n.params = ElementwiseParams{d.activation};
    const bool weighted = hasWeights(n.kind);
    n.quant = n.kind == NodeKind::ArgMax ? indexLayer(inT, who) : quantizedLayer(n, inT, out, weighted ? input(1) : nullptr, weighted ? input(2) : nullptr, who);
    const std::optional<TensorQuant> outQuant = n.kind == NodeKind::ArgMax && n.quant ? std::optional(n.quant->output) : activationQuant(out);
    valueOf_[outIndex] = builder_->add(std::move(n), std::move(reads), outQuant, tensorName(out));
  }

  // An activation tensor's grid, where it is 8-bit with one scale (what a value carries).
  std::optional<TensorQuant> activationQuant(const tfl::Tensor* t) const {
    if (!isQuantized(t) || !t->quantization() || !t->quantization()->scale() || t->quantization()->scale()->size() != 1)
      return std::nullopt;
    return tensorQuant(t, "tensor '" + tensorName(t) + "'");
  }

  static bool isQuantized(const tfl::Tensor* t) { return t && (t->type() == type::kUInt8 || t->type() == type::kInt8); }

  // An activation tensor's one scale and zero point.
  TensorQuant tensorQuant(const tfl::Tensor* t, const std::string& who) const {
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() != 1)
      fail(who + ": tensor '" + tensorName(t) + "' needs exactly one quantization scale, has " +
           std::to_string(q && q->scale() ? q->scale()->size() : 0));
    TensorQuant tq;
    tq.type = t->type() == type::kUInt8 ? QuantType::UInt8 : QuantType::Int8;
    tq.scale = q->scale()->Get(0);
    tq.zeroPoint = q->zero_point() && q->zero_point()->size() ? int32_t(q->zero_point()->Get(0)) : 0;
    checkQuantization(tq.scale, tq.zeroPoint, t->type(), who + ": tensor '" + tensorName(t) + "'", ~0u);
    return tq;
  }

  // ARG_MAX of a quantized tensor: its input's grid, and the indices on the index grid
  // (graph/quantization.h), which holds those of up to kMaxIndexedChannels channels.
  std::optional<QuantizedLayer> indexLayer(const tfl::Tensor* in, const std::string& who) const {
    if (!isQuantized(in)) return std::nullopt;
    const auto s = shapeOf(in);
    if (s.back() > kMaxIndexedChannels) {
      if (graph_->integerProblem.empty())
        graph_->integerProblem = who + ": the index of one of " + std::to_string(s.back()) + " channels; integer execution stores at most " +
                                 std::to_string(kMaxIndexedChannels);
      return std::nullopt;
    }
    QuantizedLayer q;
    q.input = tensorQuant(in, who);
    q.output = indexQuant();
    q.activationMin = q.output.qmin();
    q.activationMax = q.output.qmax();
    return q;
  }

  // The file's own integers for a layer whose input and output are quantized (nothing otherwise):
  // what integer execution runs.
  std::optional<QuantizedLayer> quantizedLayer(const Node& n, const tfl::Tensor* in, const tfl::Tensor* out,
                                               const tfl::Tensor* weights, const tfl::Tensor* bias,
                                               const std::string& who) const {
    if (!isQuantized(in) || !isQuantized(out)) return std::nullopt;
    if (in->type() != out->type() && n.kind != NodeKind::Quantize)
      fail(who + ": input is " + typeName(in->type()) + " and output " + typeName(out->type()) +
           "; mixed uint8/int8 layers are not executed (only QUANTIZE converts)");
    QuantizedLayer q;
    q.input = tensorQuant(in, who);
    q.output = tensorQuant(out, who);
    const Activation none;
    const Activation& act = n.activation() ? *n.activation() : none;
    activationRange(q.output, act.min, act.max, &q.activationMin, &q.activationMax);
    if (!hasWeights(n.kind)) return q;
    if (!weights || !isQuantized(weights)) return std::nullopt;  // float weights: the float path only
    const std::string whoW = "weights tensor '" + tensorName(weights) + "' of " + who;
    const auto [data, count] = constantBytes(weights, whoW);
    const ChannelQuant cq = channelQuant(weights, whoW);
    const int outChannels = n.conv().outChannels;
    const int channelAxis = n.kind == NodeKind::DepthwiseConv ? 3 : 0;
    if (cq.scales.size() > 1 && (cq.axis != channelAxis || int(cq.scales.size()) != outChannels))
      fail(whoW + " has " + std::to_string(cq.scales.size()) + " scales along dimension " + std::to_string(cq.axis) +
           "; per-channel scales must follow the " + std::to_string(outChannels) + " output channels (dimension " +
           std::to_string(channelAxis) + ")");
    q.weightType = weights->type() == type::kUInt8 ? QuantType::UInt8 : QuantType::Int8;
    q.weights = integers(weights, data, count);
    q.weightScale = cq.scales;
    q.weightZeroPoint = cq.zeroPoints;
    // A scale integer arithmetic cannot take leaves the layer to the float path (saying why).
    try {
      q.requantizationScales(outChannels, who);
    } catch (const Error& e) {
      if (graph_->integerProblem.empty()) graph_->integerProblem = e.what();
      return std::nullopt;
    }
    if (bias) {
      const std::string whoB = "bias tensor '" + tensorName(bias) + "' of " + who;
      if (bias->type() != type::kInt32) fail(whoB + " is " + typeName(bias->type()) + "; a quantized layer's bias is int32");
      const auto [bdata, bcount] = constantBytes(bias, whoB);
      if (int64_t(bcount) != outChannels)
        fail(whoB + " has " + std::to_string(bcount) + " values for " + std::to_string(outChannels) + " output channels");
      q.bias = integers(bias, bdata, bcount);
    }
    return q;
  }

  std::string path_;
  std::vector<uint8_t> bytes_;
  const tfl::Model* model_ = nullptr;
  const tfl::SubGraph* sg_ = nullptr;
  GraphBuilder* builder_ = nullptr;
  Graph* graph_ = nullptr;
  std::map<int, ValueId> valueOf_;  // file tensor index -> value
};

}  // namespace

std::shared_ptr<Graph> importTflite(const std::string& path) { return TfliteReader(path).read(); }

std::shared_ptr<Graph> importTfliteBytes(std::vector<uint8_t> bytes, const std::string& name) {
  return TfliteReader(name).parse(std::move(bytes));
}

}  // namespace mobilevk
