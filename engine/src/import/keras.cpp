// Keras / TF.js layers-format importer (model.json + binary weight shards), read with nlohmann-json.
// Layers: InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization (folded into the conv before it),
// Activation (relu6, relu, softmax, linear), ReLU, GlobalAveragePooling2D, Reshape, Dropout, Flatten,
// ZeroPadding2D (folded into the 'valid' conv after it).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "graph/builder.h"
#include "import/importers.h"
#include "io/file_io.h"
#include "io/json_read.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

using nlohmann::json;

class KerasReader {
 public:
  explicit KerasReader(const std::string& path) {
    const bool isJson = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
    jsonPath_ = isJson ? path : path + "/model.json";
    const auto slash = jsonPath_.find_last_of('/');
    dir_ = slash == std::string::npos ? "." : jsonPath_.substr(0, slash);
  }

  std::shared_ptr<Graph> read() {
    const auto bytes = readRegularFile(jsonPath_, 64ull << 20);
    return parse(std::string(bytes.begin(), bytes.end()));
  }

  std::shared_ptr<Graph> parse(const std::string& bytes) {
    const json doc = parseJsonBounded(bytes, jsonPath_, kMaxJsonDepth, ErrorCode::InvalidModel);
    if (!doc.is_object() || !doc.contains("modelTopology"))
      fail("no 'modelTopology': not a TF.js layers model.json");
    json topo = doc["modelTopology"];
    if (topo.contains("model_config")) topo = topo["model_config"];
    const std::string cls = str(topo, "class_name", "modelTopology");
    if (!topo.contains("config")) fail("modelTopology has no 'config'");
    const json& cfg = topo["config"];
    json layers;
    if (cls == "Sequential") layers = cfg.is_array() ? cfg : cfg.value("layers", json::array());
    else if (cls == "Model" || cls == "Functional") layers = cfg.value("layers", json::array());
    else unsupported("model class '" + cls + "' is not supported (expected Model, Functional or Sequential)");
    if (!layers.is_array() || layers.empty()) fail("the model has no layers");
    sequential_ = cls == "Sequential";

    readWeights(doc.value("weightsManifest", json::array()));

    GraphBuilder builder(dir_.substr(dir_.find_last_of('/') + 1), "keras");
    builder_ = &builder;
    graph_ = &builder.graph();
    Graph* g = graph_;
    g->input.source = "Keras MobileNet preprocessing (x/127.5 - 1)";
    for (size_t i = 0; i < layers.size(); ++i) {
      try {
        readLayer(layers[i]);
      } catch (const json::exception& e) {  // a field of an unexpected type that no check above named
        fail("layer " + std::to_string(i) + " has a malformed config (" + e.what() + ")");
      }
    }
    if (pendingPad_) fail("ZeroPadding2D '" + pendingPadName_ + "' is not followed by a convolution");
    builder.markOutput(current_);
    return builder.finish();  // validated once, when it becomes a Model
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const { throw Error(ErrorCode::InvalidModel, jsonPath_ + ": " + msg); }
  [[noreturn]] void unsupported(const std::string& msg) const { throw Error(ErrorCode::Unsupported, jsonPath_ + ": " + msg); }

  std::string str(const json& j, const char* key, const std::string& where) const {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) fail(where + ": missing string '" + key + "'");
    return j[key].get<std::string>();
  }

  int integer(const json& j, const char* key, const std::string& where) const {
    if (!j.contains(key) || !j[key].is_number_integer()) fail(where + ": missing integer '" + key + "'");
    return j[key].get<int>();
  }

  // An optional config field of the expected JSON type, or `fallback` when absent (or null). A
  // field of another type is refused naming the layer and the field (never a raw json exception).
  template <typename T>
  T option(const json& c, const char* key, T fallback, const std::string& who) const {
    if (!c.contains(key) || c[key].is_null()) return fallback;
    const json& v = c[key];
    const char* want = nullptr;
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean()) want = "true or false";
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_number_integer()) want = "an integer";
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number()) want = "a number";
    } else {
      if (!v.is_string()) want = "a string";
    }
    if (want) fail(who + ": field '" + key + "' must be " + want + ", found " + describeJson(v));
    return v.get<T>();
  }

  std::vector<int> intPair(const json& j, const char* key, const std::string& where) const {
    if (!j.contains(key)) fail(where + ": missing '" + key + "'");
    const json& v = j[key];
    if (v.is_number_integer()) return {v.get<int>(), v.get<int>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
      return {v[0].get<int>(), v[1].get<int>()};
    fail(where + ": '" + key + "' must be an integer or a pair of integers, found " + describeJson(v));
  }

  // Reads every shard of every weight group and slices it into named float arrays.
  void readWeights(const json& manifest) {
    if (!manifest.is_array()) fail("'weightsManifest' must be an array");
    for (size_t gi = 0; gi < manifest.size(); ++gi) {
      const json& group = manifest[gi];
      const std::string where = "weightsManifest[" + std::to_string(gi) + "]";
      if (!group.contains("paths") || !group["paths"].is_array() || !group.contains("weights") || !group["weights"].is_array())
        fail(where + " needs 'paths' and 'weights' arrays");
      std::vector<uint8_t> data;
      for (const auto& p : group["paths"]) {
        if (!p.is_string()) fail(where + ": a shard path is not a string");
        const std::string rel = p.get<std::string>();
        if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos)
          fail(where + ": shard path '" + rel + "' must be a plain relative name");
        const auto shard = readRegularFile(dir_ + "/" + rel, 1ull << 30);
        data.insert(data.end(), shard.begin(), shard.end());
      }
      size_t offset = 0;
      for (const auto& w : group["weights"]) {
        const std::string name = str(w, "name", where);
        const std::string dtype = option(w, "dtype", std::string("float32"), where);
        if (dtype != "float32") fail("weight '" + name + "' has dtype " + dtype + "; only float32 is supported");
        if (w.contains("quantization")) unsupported("weight '" + name + "' is quantized; quantized TF.js weights are not supported");
        if (!w.contains("shape") || !w["shape"].is_array()) fail("weight '" + name + "' has no shape");
        uint64_t count = 1;
        std::vector<int> shape;
        for (const auto& d : w["shape"]) {
          if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > (1 << 24))
            fail("weight '" + name + "' has an invalid dimension " + describeJson(d));
          shape.push_back(d.get<int>());
          count *= d.get<uint64_t>();
          if (count > (1ull << 28)) fail("weight '" + name + "' is too large");
        }
        if (offset + count * 4 > data.size())
          fail("weight '" + name + "' needs bytes [" + std::to_string(offset) + ", " + std::to_string(offset + count * 4) +
               ") but the shards of " + where + " hold " + std::to_string(data.size()) + " bytes");
        std::vector<float> v(count);
        std::memcpy(v.data(), data.data() + offset, count * 4);
        for (float x : v)
          if (!std::isfinite(x)) fail("weight '" + name + "' contains a non-finite value");
        offset += count * 4;
        weights_[name] = {shape, std::move(v)};
      }
      if (offset != data.size())
        fail(where + ": its shards hold " + std::to_string(data.size()) + " bytes but its weights use " +
             std::to_string(offset));
    }
  }

  // The weight `layer/suffix` (also accepting a trailing ':0'), checked against an expected shape.
  std::vector<float> weight(const std::string& layer, const std::string& suffix, const std::vector<int>& shape) {
    auto it = weights_.find(layer + "/" + suffix);
    if (it == weights_.end()) it = weights_.find(layer + "/" + suffix + ":0");
    if (it == weights_.end()) fail("layer '" + layer + "': weight '" + suffix + "' is missing from the weight shards");
    if (it->second.shape != shape) {
      auto s = [](const std::vector<int>& v) {
        std::string r = "[";
        for (size_t i = 0; i < v.size(); ++i) r += (i ? "," : "") + std::to_string(v[i]);
        return r + "]";
      };
      fail("layer '" + layer + "': weight '" + suffix + "' has shape " + s(it->second.shape) + ", expected " + s(shape));
    }
    return it->second.values;
  }

  // The layers a layer reads: the one before it in a Sequential model, its inbound nodes in a
  // functional one (each an earlier layer's name).
  std::vector<std::string> inboundNames(const json& layer, const std::string& name) const {
    if (sequential_) return {previous_};
    const json& inbound = layer.value("inbound_nodes", json::array());
    if (inbound.is_array() && inbound.size() == 1 && inbound[0].is_object() && inbound[0].contains("args"))
      unsupported("layer '" + name + "': Keras 3 inbound node format is not supported");
    if (!inbound.is_array() || inbound.size() != 1 || !inbound[0].is_array() || inbound[0].empty())
      fail("layer '" + name + "' must be called once on its inputs (inbound_nodes " + describeJson(inbound) + ")");
    std::vector<std::string> names;
    for (const json& node : inbound[0]) {
      if (!node.is_array() || node.empty() || !node[0].is_string())
        fail("layer '" + name + "': inbound node " + describeJson(node) + " does not name a layer");
      names.push_back(node[0].get<std::string>());
    }
    return names;
  }

  // What an earlier layer's output is, as the next layers read it.
  struct LayerOutput {
    ValueId value = 0;
    int channels = 0;
    bool spatial1x1 = false, openConv = false;
    bool pendingPad = false;
    std::string pendingPadName;
    Padding pendingPadding;
  };

  const LayerOutput& outputOf(const std::string& from, const std::string& who) const {
    const auto found = outputs_.find(from);
    if (found == outputs_.end()) fail(who + " reads '" + from + "', which no earlier layer produces");
    const auto folded = foldedInto_.find(from);
    if (folded != foldedInto_.end())
      unsupported(who + " reads '" + from + "', whose output '" + folded->second +
                  "' folded into the layer (batch norm is folded into the conv it follows)");
    return found->second;
  }

  // Makes `from` the tensor the layer reads (the reader state below).
  void readFrom(const LayerOutput& in) {
    ++readers_[in.value];
    current_ = in.value;
    channels_ = in.channels;
    spatial1x1_ = in.spatial1x1;
    lastIsOpenConv_ = in.openConv;
    pendingPad_ = in.pendingPad;
    pendingPadName_ = in.pendingPadName;
    pendingPadding_ = in.pendingPadding;
  }

  LayerOutput written() const {
    return {current_, channels_, spatial1x1_, lastIsOpenConv_, pendingPad_, pendingPadName_, pendingPadding_};
  }

  Node* lastConv(const std::string& who) {
    Node* n = builder_->producerOf(current_);
    if (!n || !hasWeights(n->kind) || !lastIsOpenConv_) fail(who + " must directly follow a Conv2D or DepthwiseConv2D");
    if (readers_[current_] > 1) unsupported(who + " would fold into a conv whose output another layer also reads");
    return n;
  }

  void addWeightlessNode(NodeKind kind, const std::string& name) {
    Node n;
    n.kind = kind;
    n.name = name;
    current_ = builder_->add(n, {current_});
    lastIsOpenConv_ = false;
  }

  void addClamp(const std::string& name, float lo, float hi) {
    Node n;
    n.kind = NodeKind::Clamp;
    n.name = name;
    n.params = ElementwiseParams{Activation::clamp(lo, hi)};
    current_ = builder_->add(n, {current_});
    lastIsOpenConv_ = false;
  }

  // A conv's own activation (its config) narrows its clamp; an Activation layer is a Clamp node of
  // its own, which Model's foldActivations pass merges into its producer where it can.
  void applyActivation(const std::string& act, const std::string& who, bool convsOwn) {
    if (act == "linear") return;
    if (act == "relu6" || act == "relu") {
      const float hi = act == "relu6" ? 6.0f : FLT_MAX;
      if (convsOwn) fuseClamp(*lastConv(who + " (activation " + act + ")"), 0.0f, hi);
      else addClamp(who, 0.0f, hi);
      lastIsOpenConv_ = false;  // batch norm after an activation cannot be folded
      return;
    }
    if (act == "softmax") {
      addWeightlessNode(NodeKind::Softmax, who);
      return;
    }
    unsupported(who + ": activation '" + act + "' is not supported (relu6, relu, softmax, linear)");
  }

  void readLayer(const json& layer) {
    const std::string cls = str(layer, "class_name", "a layer");
    if (!layer.contains("config") || !layer["config"].is_object()) fail("layer of class " + cls + " has no config");
    const json& c = layer["config"];
    const std::string name = layer.contains("name") && layer["name"].is_string() ? layer["name"].get<std::string>()
                                                                                   : str(c, "name", cls);
    const std::string who = cls + " '" + name + "'";
    if (c.contains("data_format") && c["data_format"].is_string() && c["data_format"] != "channels_last")
      unsupported(who + ": data_format " + c["data_format"].get<std::string>() + " is not supported (channels_last only)");

    if (cls == "InputLayer") {
      const json& s = c.contains("batch_input_shape") ? c["batch_input_shape"] : c.value("batch_shape", json());
      if (!s.is_array() || s.size() != 4 || !s[1].is_number_integer() || !s[2].is_number_integer() || !s[3].is_number_integer())
        fail(who + ": input shape " + describeJson(s) + " must be [batch, H, W, C] with known H, W, C");
      graph_->input.height = s[1].get<int>();
      graph_->input.width = s[2].get<int>();
      graph_->input.channels = s[3].get<int>();
      inputSeen_ = true;
      previous_ = name;
      channels_ = graph_->input.channels;
      current_ = builder_->input();
      outputs_[name] = written();
      return;
    }
    if (!inputSeen_) fail(who + " comes before the InputLayer");
    const std::vector<std::string> from = inboundNames(layer, name);
    previous_ = name;
    if (cls == "Add") {
      if (from.size() != 2) unsupported(who + ": adds " + std::to_string(from.size()) + " tensors; mobilevk adds two");
      const LayerOutput a = outputOf(from[0], who), b = outputOf(from[1], who);
      if (a.pendingPad || b.pendingPad) fail(who + " reads a ZeroPadding2D output (padding only goes into a conv)");
      Node n;
      n.kind = NodeKind::Add;
      n.name = name;
      n.params = ElementwiseParams{};
      readFrom(a);
      ++readers_[b.value];
      current_ = builder_->add(n, {a.value, b.value});
      lastIsOpenConv_ = false;
      outputs_[name] = written();
      return;
    }
    if (from.size() != 1) fail(who + " must take exactly one input, takes " + std::to_string(from.size()));
    readFrom(outputOf(from[0], who));
    readLayerBody(cls, c, name, who);
    // Batch norm folds into the conv it reads (or is refused), changing that conv's output: no
    // other layer may read the conv as it was.
    if (cls == "BatchNormalization") foldedInto_[from[0]] = name;
    outputs_[name] = written();
  }

  void readLayerBody(const std::string& cls, const json& c, const std::string& name, const std::string& who) {

    if (cls == "Conv2D" || cls == "DepthwiseConv2D") {
      const bool depthwise = cls == "DepthwiseConv2D";
      const auto k = intPair(c, "kernel_size", who);
      const auto s = intPair(c, "strides", who);
      const auto dil = c.contains("dilation_rate") ? intPair(c, "dilation_rate", who) : std::vector<int>{1, 1};
      if (dil[0] != 1 || dil[1] != 1) unsupported(who + ": dilation " + describeJson(c["dilation_rate"]) + " is not supported");
      if (option(c, "groups", 1, who) != 1) unsupported(who + ": grouped convolution is not supported");
      const std::string pad = str(c, "padding", who);
      if (pad != "same" && pad != "valid") unsupported(who + ": padding '" + pad + "' is not supported");
      Node n;
      n.name = name;
      auto& d = n.conv();
      d.name = name;
      d.inChannels = channels_;
      d.window = {k[0], k[1], s[0], s[1], pad == "same" ? Padding::same() : Padding::valid()};
      if (pendingPad_) {
        if (pad != "valid") fail(who + ": follows ZeroPadding2D '" + pendingPadName_ + "' but has padding 'same'");
        d.window.padding = pendingPadding_;
        pendingPad_ = false;
      }
      if (depthwise) {
        if (option(c, "depth_multiplier", 1, who) != 1) unsupported(who + ": depth_multiplier " + describeJson(c["depth_multiplier"]) + " is not supported (only 1)");
        d.outChannels = channels_;
        d.weights = weight(name, "depthwise_kernel", {k[0], k[1], channels_, 1});  // HWC1 == HWC
        n.kind = NodeKind::DepthwiseConv;
      } else {
        d.outChannels = integer(c, "filters", who);
        d.weights = hwioToOhwi(weight(name, "kernel", {k[0], k[1], channels_, d.outChannels}), k[0], k[1], channels_, d.outChannels);
        const auto& pd = d.window.padding;
        const bool unpadded = pd.kind == Padding::Kind::Same || (!pd.top && !pd.bottom && !pd.left && !pd.right);
        n.kind = k[0] == 1 && k[1] == 1 && s[0] == 1 && s[1] == 1 && unpadded ? NodeKind::PointwiseConv : NodeKind::Conv2D;
        if (n.kind == NodeKind::PointwiseConv) d.window.padding = Padding::valid();
      }
      if (option(c, "use_bias", true, who)) d.bias = weight(name, "bias", {d.outChannels});
      channels_ = d.outChannels;
      current_ = builder_->add(std::move(n), {current_});
      lastIsOpenConv_ = true;
      applyActivation(option(c, "activation", std::string("linear"), who), who, true);
      return;
    }
    if (cls == "BatchNormalization") {
      Node* n = lastConv(who);
      const json& axis = c.value("axis", json(-1));
      const bool lastAxis = (axis.is_number_integer() && (axis == -1 || axis == 3)) ||
                            (axis.is_array() && axis.size() == 1 && (axis[0] == -1 || axis[0] == 3));
      if (!lastAxis) fail(who + ": axis " + describeJson(axis) + " is not the channel axis");
      const int ch = n->conv().outChannels;
      const double eps = option(c, "epsilon", 1e-3, who);
      if (!std::isfinite(eps) || eps < 0) fail(who + ": epsilon " + std::to_string(eps) + " must be finite and >= 0");
      const auto gamma = option(c, "scale", true, who) ? weight(name, "gamma", {ch}) : std::vector<float>(ch, 1.0f);
      const auto beta = option(c, "center", true, who) ? weight(name, "beta", {ch}) : std::vector<float>(ch, 0.0f);
      const auto mean = weight(name, "moving_mean", {ch});
      const auto var = weight(name, "moving_variance", {ch});
      // y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta: scale each output channel's
      // weights, and fold the rest into the bias (computed in double).
      auto& d = n->conv();
      if (d.bias.empty()) d.bias.assign(ch, 0.0f);
      const size_t perOut = d.weights.size() / size_t(ch);
      for (int o = 0; o < ch; ++o) {
        if (var[o] < 0.0f) fail(who + ": negative moving_variance for channel " + std::to_string(o));
        if (!(double(var[o]) + eps > 0.0))
          fail(who + ": moving_variance + epsilon is " + std::to_string(double(var[o]) + eps) + " for channel " +
               std::to_string(o) + "; it must be > 0");
        for (const auto* v : {&gamma, &beta, &mean, &var})
          if (!std::isfinite((*v)[o])) fail(who + ": a non-finite batch-norm parameter for channel " + std::to_string(o));
        const double scale = double(gamma[o]) / std::sqrt(double(var[o]) + eps);
        if (n->kind == NodeKind::DepthwiseConv) {
          for (size_t i = 0; i < perOut; ++i) d.weights[i * ch + o] = float(d.weights[i * ch + o] * scale);
        } else {
          for (size_t i = 0; i < perOut; ++i) d.weights[o * perOut + i] = float(d.weights[o * perOut + i] * scale);
        }
        d.bias[o] = float((double(d.bias[o]) - mean[o]) * scale + beta[o]);
      }
      return;
    }
    if (cls == "Activation") {
      applyActivation(str(c, "activation", who), name, false);
      return;
    }
    if (cls == "ReLU") {
      const double slope = option(c, "negative_slope", 0.0, who), threshold = option(c, "threshold", 0.0, who);
      if (slope != 0.0 || threshold != 0.0) unsupported(who + ": negative_slope/threshold other than 0 is not supported");
      const float maxValue = c.contains("max_value") && c["max_value"].is_number() ? c["max_value"].get<float>() : FLT_MAX;
      if (!(maxValue >= 0.0f)) fail(who + ": max_value " + std::to_string(maxValue) + " must be >= 0");
      addClamp(name, 0.0f, maxValue);
      return;
    }
    if (cls == "GlobalAveragePooling2D") {
      addWeightlessNode(NodeKind::GlobalAvgPool, name);
      spatial1x1_ = true;
      return;
    }
    if (cls == "Reshape" || cls == "Flatten") {
      // In NC4HW4 a 1x1 map and a flat vector are the same bytes; anything else is refused.
      if (!spatial1x1_) unsupported(who + " of a spatial map is not supported (only after global pooling)");
      if (cls == "Reshape") {
        const json& t = c.value("target_shape", json());
        const bool ok = t.is_array() && !t.empty() && t.back() == channels_ &&
                        std::all_of(t.begin(), t.end() - 1, [](const json& v) { return v == 1; });
        if (!ok) unsupported(who + ": target_shape " + describeJson(t) + " is not supported (only [..1, C] with C = " + std::to_string(channels_) + ")");
      }
      return;
    }
    if (cls == "Dropout") return;  // identity at inference
    if (cls == "ZeroPadding2D") {
      const json& p = c.value("padding", json());
      int t, b, l, r;
      if (p.is_number_integer()) t = b = l = r = p.get<int>();
      else if (p.is_array() && p.size() == 2 && p[0].is_number_integer() && p[1].is_number_integer()) {
        t = b = p[0].get<int>();
        l = r = p[1].get<int>();
      } else if (p.is_array() && p.size() == 2 && p[0].is_array() && p[1].is_array() && p[0].size() == 2 && p[1].size() == 2) {
        t = p[0][0].get<int>(); b = p[0][1].get<int>(); l = p[1][0].get<int>(); r = p[1][1].get<int>();
      } else fail(who + ": padding " + describeJson(p) + " is not understood");
      pendingPad_ = true;
      pendingPadName_ = name;
      pendingPadding_ = Padding::explicitPads(t, b, l, r);
      lastIsOpenConv_ = false;
      return;
    }
    unsupported(who + " is not supported (mobilevk imports Add, Conv2D, DepthwiseConv2D, BatchNormalization, Activation, ReLU, "
               "GlobalAveragePooling2D, Reshape, Dropout, Flatten, ZeroPadding2D)");
  }

  struct Weight {
    std::vector<int> shape;
    std::vector<float> values;
  };
  std::string jsonPath_, dir_;
  std::map<std::string, Weight> weights_;
  GraphBuilder* builder_ = nullptr;
  Graph* graph_ = nullptr;
  // The layer being read: the value it reads and what is known of it (readFrom), then what it writes.
  ValueId current_ = 0;
  std::map<std::string, LayerOutput> outputs_;      // by layer name
  std::map<std::string, std::string> foldedInto_;  // a conv's name -> the batch norm folded into it
  std::map<ValueId, int> readers_;                  // layers reading each value so far
  bool sequential_ = false, inputSeen_ = false, lastIsOpenConv_ = false, spatial1x1_ = false;
  std::string previous_;
  int channels_ = 0;
  bool pendingPad_ = false;
  std::string pendingPadName_;
  Padding pendingPadding_;
};

}  // namespace

std::shared_ptr<Graph> importKeras(const std::string& path) { return KerasReader(path).read(); }

std::shared_ptr<Graph> importKerasJson(const std::string& json, const std::string& dir) {
  return KerasReader(dir + "/model.json").parse(json);
}

}  // namespace mobilevk
