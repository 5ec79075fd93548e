// Graphs that are not chains: the plan over values (lifetimes, arena reuse, barriers only on real
// hazards, values read twice), topology refusals, MobileNetV2 built in, and several outputs through
// the C++ and C APIs.
#include <doctest/doctest.h>

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <random>

#include "cpu/reference.h"
#include "graph/builder.h"
#include "graph/model_access.h"
#include "graph/passes.h"
#include "helpers.h"
#include "internal_access.h"
#include "mobilevk/error.h"
#include "mobilevk/mobilevk.h"
#include "mobilevk/network.h"
#include "mobilevk/reference.h"
#include "runtime/plan.h"
#include "tflite_schema_generated.h"

using namespace mobilevk;

namespace {

Node pointwise(const std::string& name, int in, int out, std::mt19937& rng) {
  Node n;
  n.kind = NodeKind::PointwiseConv;
  n.name = n.conv().name = name;
  n.conv().inChannels = in;
  n.conv().outChannels = out;
  n.conv().weights = testing::randomVector(size_t(in) * out, rng, -0.5f, 0.5f);
  n.conv().bias = testing::randomVector(size_t(out), rng);
  return n;
}

Node weightless(NodeKind kind, const std::string& name) {
  Node n;
  n.kind = kind;
  n.name = name;
  if (kind == NodeKind::Add || kind == NodeKind::Clamp) n.params = ElementwiseParams{};
  return n;
}

// x -> pw1 -> y1; x -> pw2 -> y2; add(y1, y2): a value read by two consumers, two independent
// dispatches, then a join.
std::shared_ptr<Graph> diamond(std::mt19937& rng) {
  GraphBuilder b("diamond", "test");
  b.graph().input = {6, 5, 7};
  const ValueId x = b.input();
  const ValueId y1 = b.add(pointwise("pw1", 7, 9, rng), {x});
  const ValueId y2 = b.add(pointwise("pw2", 7, 9, rng), {x});
  b.markOutput(b.add(weightless(NodeKind::Add, "join"), {y1, y2}));
  return b.finish();
}

bool overlaps(const ExecutionPlan& p, ValueId a, ValueId b) {
  return p.offsets[size_t(a)] < p.offsets[size_t(b)] + p.bytes[size_t(b)] && p.offsets[size_t(b)] < p.offsets[size_t(a)] + p.bytes[size_t(a)];
}

// Every pair of values alive at one step (written at its producer's step, read until its last
// consumer's; outputs to the end) lies in disjoint bytes; the plan's barriers are exactly where a
// step reads or writes bytes an earlier step since the last barrier wrote, or writes bytes it read.
void checkPlan(const Graph& g, const ExecutionPlan& p) {
  const int end = int(g.nodes.size()) + 1;
  std::vector<std::pair<int, int>> life;
  for (const Value& v : g.values) {
    int last = v.producer + 1;
    for (NodeId c : v.consumers) last = std::max(last, c + 1);
    life.push_back({v.producer + 1, v.graphOutput ? end : last});
  }
  size_t shared = 0;
  for (size_t a = 0; a < life.size(); ++a)
    for (size_t b = a + 1; b < life.size(); ++b) {
      const bool together = life[a].first <= life[b].second && life[b].first <= life[a].second;
      if (together) CHECK_MESSAGE(!overlaps(p, ValueId(a), ValueId(b)), g.values[a].name << " and " << g.values[b].name);
      else shared += overlaps(p, ValueId(a), ValueId(b));
    }
  CHECK(p.arenaBytes <= [&] {
    uint64_t total = 0;
    for (uint64_t b : p.bytes) total += b;
    return total;
  }());
  std::vector<std::pair<ValueId, bool>> since{{g.inputValue, true}};  // accesses since the last barrier
  size_t barriers = 0;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const PlannedStep& s = p.steps[i];
    bool hazard = false;
    for (const auto& [v, write] : since) {
      for (ValueId r : s.reads) hazard |= write && overlaps(p, r, v);
      for (ValueId w : s.writes) hazard |= overlaps(p, w, v);
    }
    CHECK_MESSAGE(s.barrierBefore == hazard, "step " << i << " (" << g.nodes[i].name << ")");
    if (s.barrierBefore) {
      since.clear();
      barriers += i > 0;
    }
    for (ValueId r : s.reads) since.push_back({r, false});
    for (ValueId w : s.writes) since.push_back({w, true});
  }
  CHECK(barriers == p.barriers);
}

}  // namespace

TEST_CASE("plan over a DAG (no device): a value read twice, independent dispatches without a barrier, the join after both") {
  std::mt19937 rng(23001);
  const auto g = diamond(rng);
  g->resolve();
  const ExecutionPlan p = planExecution(*g, 2, Precision::FP32, false, false, 64);
  checkPlan(*g, p);
  REQUIRE(p.steps.size() == 3);
  CHECK(p.steps[0].barrierBefore);   // the first dispatch waits for the input
  CHECK(!p.steps[1].barrierBefore);  // reads x as pw1 does, writes y2 beside y1: no hazard
  CHECK(p.steps[2].barrierBefore);   // the ADD waits for both producers
  CHECK(p.barriers == 1);
  CHECK(g->values[size_t(g->inputValue)].consumers.size() == 2);
  CHECK(g->soleConsumer(0) == 2);
  CHECK(!overlaps(p, g->inputValue, g->outputOf(0)));  // x is read by pw2 after pw1 wrote y1
}

TEST_CASE("plan over MobileNetV2 (no device): lifetimes from producer to last consumer, arena reuse, barriers only on hazards") {
  MobileNetV2Options o;
  o.alpha = 0.35f;
  o.resolution = 96;
  const Model model = Model::mobileNetV2(o);
  const Graph& g = InternalAccess::graph(model);
  size_t adds = 0, twice = 0;
  for (const Node& n : g.nodes) adds += n.kind == NodeKind::Add;
  for (const Value& v : g.values) twice += v.consumers.size() == 2;
  CHECK(adds == 10);
  CHECK(twice == 10);  // each residual's input feeds its block's expand conv and its ADD
  for (int batch : {1, 3}) {
    const ExecutionPlan p = planExecution(g, batch, Precision::FP16, false, false, 64);
    checkPlan(g, p);
    uint64_t total = 0;
    for (uint64_t b : p.bytes) total += b;
    CHECK(p.arenaBytes * 4 < total);  // reuse: far less than every value side by side
    // A residual's block input stays alive across its expand, depthwise and project dispatches.
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].kind == NodeKind::Add) {
        const ValueId skip = g.nodes[i].inputs[0];
        for (size_t j = size_t(g.values[size_t(skip)].producer) + 1; j < i; ++j)
          CHECK(!overlaps(p, skip, g.outputOf(NodeId(j))));
      }
  }
  // Every value kept: nothing shares.
  const ExecutionPlan keep = planExecution(g, 1, Precision::FP32, false, true, 64);
  for (size_t a = 0; a < g.values.size(); ++a) CHECK(!overlaps(keep, ValueId(a), ValueId((a + 1) % g.values.size())));
}

TEST_CASE("bad graphs are refused naming the node or value: cycle, two producers, ADD of two shapes, output = input, ids out of range") {
  std::mt19937 rng(23002);
  const auto refused = [](std::shared_ptr<Graph> g, const std::string& what) {
    CAPTURE(what);
    try {
      InternalAccess::model(std::move(g));
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::InvalidModel);
      CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, std::string(e.what()));
    }
  };
  {  // pw1 reads the ADD's output: a cycle
    auto g = diamond(rng);
    g->nodes[0].inputs = {g->outputs[0]};
    refused(g, "'pw1' reads value 3 ('join') before any node writes it (a cycle");
  }
  {
    auto g = diamond(rng);
    g->nodes[1].outputs = g->nodes[0].outputs;
    refused(g, "has two producers: 'pw1' and 'pw2'");
  }
  {
    GraphBuilder b("shapes", "test");
    b.graph().input = {6, 5, 7};
    const ValueId y = b.add(pointwise("pw", 7, 9, rng), {b.input()});
    b.markOutput(b.add(weightless(NodeKind::Add, "bad_add"), {b.input(), y}));
    refused(b.finish(), "Add 'bad_add': input 1 has shape 1x6x5x9, input 0 has 1x6x5x7");
  }
  {
    GraphBuilder b("identity", "test");
    b.graph().input = {6, 5, 7};
    b.add(pointwise("pw", 7, 9, rng), {b.input()});
    b.markOutput(b.input());
    refused(b.finish(), "is also the graph input");
  }
  {
    auto g = diamond(rng);
    g->nodes[2].inputs[1] = 99;
    refused(g, "'join' reads value 99, which does not exist");
  }
  {
    auto g = diamond(rng);
    g->nodes[2].inputs.pop_back();
    refused(g, "Add 'join' has 1 inputs, expected 2");
  }
}

TEST_CASE("MobileNetV2 built in: the paper's 1.0 @224 cell, and the float network agrees with the CPU reference") {
  // Sandler et al. 2018, Table 4: 300M mult-adds, 3.4M parameters. The paper truncates: slim's
  // count of the same network is 3.47M (here 3.49M with the folded batch-norm biases).
  const Model v2 = Model::mobileNetV2({});
  CHECK(std::fabs(v2.totalMacs() / 1e6 - 300.0) <= 3.0);
  CHECK(v2.totalParams() / 1e6 >= 3.4);
  CHECK(v2.totalParams() / 1e6 < 3.5);
  MobileNetV2Options wide;
  wide.alpha = 1.4f;
  // Table 6's 1.4 row: 585M mult-adds (its 6.9M parameters match no published count of the network:
  // slim's is 6.06M, as here).
  MESSAGE("MobileNetV2 1.4 @224: " << Model::mobileNetV2(wide).totalMacs() / 1e6 << "M mult-adds, "
                                   << Model::mobileNetV2(wide).totalParams() / 1e6 << "M parameters");
  CHECK(std::fabs(Model::mobileNetV2(wide).totalMacs() / 1e6 - 585.0) <= 0.02 * 585);
  MobileNetV2Options small;
  small.alpha = 0.35f;
  small.resolution = 96;
  small.classes = 10;
  const Model model = Model::mobileNetV2(small);
  std::mt19937 rng(23003);
  const HostTensor in = testing::randomTensor(model.inputShape(2), rng);
  const HostTensor ref = runReference(model, in);
  NetworkOptions opts;
  opts.batch = 2;
  Network net(testing::context(), model, opts);
  const HostTensor got = net.run(in);
  // Probabilities over 10 classes after ~50 layers: the op tests' per-layer fp32 bounds compound to
  // well under 1e-4 here.
  testing::expectClose(got, ref, std::vector<float>(ref.data.size(), 1e-4f), "MobileNetV2 0.35 @96");
  CHECK(net.barrierCount() < net.layerCount());
  testing::expectNoValidationMessages();
}

namespace {

// input [1,4,4,3] -> SOFTMAX -> probs (output 0, also read below); probs -> MAX_POOL 2x2 -> pooled
// (output 1); input + probs -> ADD -> sum (output 2); and, with `badQuantize`, an INT8 -> INT16 QUANTIZE.
std::vector<uint8_t> branchingTflite(bool badQuantize = false) {
  namespace T = mobilevk::tfl;
  flatbuffers::FlatBufferBuilder b;
  const std::vector<flatbuffers::Offset<T::Buffer>> buffers = {T::CreateBuffer(b)};
  const auto shape = [&](std::vector<int> s) { return b.CreateVector(s); };
  const auto q = [&](float scale) {
    return T::CreateQuantizationParameters(b, 0, 0, b.CreateVector(std::vector<float>{scale}), b.CreateVector(std::vector<int64_t>{0}));
  };
  const int8_t f32 = 0, i8 = 9, i16 = 7;
  std::vector<flatbuffers::Offset<T::Tensor>> tensors = {
      T::CreateTensor(b, shape({1, 4, 4, 3}), badQuantize ? i8 : f32, 0, b.CreateString("input"), badQuantize ? q(0.1f) : 0),
      T::CreateTensor(b, shape({1, 4, 4, 3}), badQuantize ? i16 : f32, 0, b.CreateString("probs"), badQuantize ? q(0.1f) : 0),
      T::CreateTensor(b, shape({1, 2, 2, 3}), f32, 0, b.CreateString("pooled")),
      T::CreateTensor(b, shape({1, 4, 4, 3}), f32, 0, b.CreateString("sum"))};
  const auto pool = T::CreatePool2DOptions(b, /*VALID*/ 1, 2, 2, 2, 2, 0);
  std::vector<flatbuffers::Offset<T::Operator>> ops = {
      T::CreateOperator(b, 0, b.CreateVector(std::vector<int>{0}), b.CreateVector(std::vector<int>{1})),
      T::CreateOperator(b, 1, b.CreateVector(std::vector<int>{1}), b.CreateVector(std::vector<int>{2}), T::BuiltinOptions_Pool2DOptions,
                        pool.Union()),
      T::CreateOperator(b, 2, b.CreateVector(std::vector<int>{0, 1}), b.CreateVector(std::vector<int>{3}), T::BuiltinOptions_AddOptions,
                        T::CreateAddOptions(b, 0).Union())};
  if (badQuantize) ops.resize(1);
  const auto sg = T::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(std::vector<int>{0}),
                                    b.CreateVector(badQuantize ? std::vector<int>{1} : std::vector<int>{1, 2, 3}), b.CreateVector(ops));
  const int first = badQuantize ? 114 : 25;
  const std::vector<flatbuffers::Offset<T::OperatorCode>> codes = {
      T::CreateOperatorCode(b, int8_t(first), 0, 1, first), T::CreateOperatorCode(b, 17, 0, 1, 17),
      T::CreateOperatorCode(b, 0, 0, 1, 0)};
  const std::vector<flatbuffers::Offset<T::SubGraph>> subgraphs = {sg};
  const auto model = T::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs), 0, b.CreateVector(buffers));
  T::FinishModelBuffer(b, model);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace

TEST_CASE("several outputs from a branching TFLite file: C++ and C APIs, every output equal to the reference") {
  const auto bytes = branchingTflite();
  const Model model = Model::fromTflite(bytes.data(), bytes.size(), "branching");
  std::mt19937 rng(23004);
  const HostTensor in = testing::randomTensor(model.inputShape(), rng, -3.0f, 3.0f);
  const auto ref = runReferenceOutputs(model, in);
  REQUIRE(ref.size() == 3);
  Network net(testing::context(), model);
  REQUIRE(net.outputCount() == 3);
  const char* names[] = {"probs", "pooled", "sum"};
  for (size_t i = 0; i < 3; ++i) {
    CHECK(net.outputInfo(i).name == names[i]);
    CHECK(net.outputInfo(i).shape == ref[i].shape);
    CHECK(net.outputShape(i) == ref[i].shape);
    CHECK(!net.outputInfo(i).quantized);
  }
  CHECK_THROWS_WITH_AS(net.outputInfo(3), doctest::Contains("the network has 3 outputs"), Error);
  const auto outs = net.runOutputs(in);
  REQUIRE(outs.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    testing::expectClose(outs[i], ref[i], std::vector<float>(ref[i].data.size(), 1e-6f), names[i]);
    CHECK(net.readOutput(i, 0).data == outs[i].data);
  }
  CHECK(net.run(in).data == outs[0].data);  // output 0, as before
  CHECK(net.readOutput(0).data == outs[0].data);

  // The C API over the same file.
  mvk_context ctx = nullptr;
  REQUIRE(mvk_context_create(nullptr, &ctx) == MVK_OK);
  mvk_model m = nullptr;
  REQUIRE(mvk_model_load_memory(bytes.data(), bytes.size(), &m) == MVK_OK);
  mvk_network n = nullptr;
  REQUIRE(mvk_network_create(ctx, m, 0, &n) == MVK_OK);
  REQUIRE(mvk_network_output_count(n) == 3);
  std::vector<uint8_t> rgba(16 * 16 * 4, 77);
  std::vector<float> first(48);
  REQUIRE(mvk_classify_rgba8(n, rgba.data(), rgba.size(), 16, 16, first.data(), first.size()) == MVK_OK);
  for (size_t i = 0; i < 3; ++i) {
    mvk_output_info info;
    REQUIRE(mvk_network_output_info(n, i, &info) == MVK_OK);
    CHECK(std::string(info.name) == names[i]);
    CHECK(info.count == ref[i].data.size());
    CHECK(info.shape[3] == 3);
    std::vector<float> out(info.count);
    REQUIRE(mvk_read_output_at(n, i, 0, out.data(), out.size()) == MVK_OK);
    if (i == 0) CHECK(out == first);
    if (i > 0) CHECK(mvk_read_output_at(n, i, 0, out.data(), out.size() - 1) == MVK_ERROR_INVALID_ARGUMENT);
  }
  mvk_output_info info;
  CHECK(mvk_network_output_info(n, 3, &info) == MVK_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(mvk_last_error()).find("3 outputs") != std::string::npos);
  mvk_network_destroy(n);
  mvk_model_destroy(m);
  mvk_context_destroy(ctx);
  testing::expectNoValidationMessages();
}

TEST_CASE("QUANTIZE between types LiteRT does not convert is refused by name") {
  const auto bytes = branchingTflite(true);
  CHECK_THROWS_WITH_AS(Model::fromTflite(bytes.data(), bytes.size(), "q16"),
                       doctest::Contains("QUANTIZE from INT8 to INT16; mobilevk requantizes between 8-bit grids"), Error);
}

TEST_CASE("the residual ADD fused into the pointwise conv before it: no dispatch of its own, results unchanged") {
  // keepLayerOutputs keeps every value, so nothing fuses there: the unfused network to compare with.
  const auto check = [](const Model& model, const HostTensor& in, NetworkOptions o) {
    Network fused(testing::context(), model, o);
    o.keepLayerOutputs = true;
    Network unfused(testing::context(), model, o);
    const auto& graph = InternalAccess::graph(model);
    const auto variants = fused.kernelVariants();
    size_t adds = 0, fusedAdds = 0;
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (graph.nodes[i].kind == NodeKind::Add) {
        ++adds;
        fusedAdds += variants[i] == "fused";
      }
    CHECK(adds == 10);
    CHECK(fusedAdds == adds);
    CHECK(fused.barrierCount() + adds == unfused.barrierCount());
    // Integers bit for bit; fp32 too (the conv's result is added exactly as it would have been
    // stored and read back).
    CHECK(fused.run(in).data == unfused.run(in).data);
  };
  std::mt19937 rng(23005);
  const Model quant = Model::load(testing::shared("models/mobilenet_v2_1.0_224_quant.tflite"));
  NetworkOptions integer;
  integer.execution = NetworkOptions::Execution::Integer;
  for (auto dot : {NetworkOptions::DotProduct::Plain, NetworkOptions::DotProduct::Auto}) {
    integer.dotProduct = dot;
    check(quant, testing::randomTensor(quant.inputShape(), rng), integer);
  }
  MobileNetV2Options o;
  o.alpha = 0.35f;
  o.resolution = 96;
  const Model v2 = Model::mobileNetV2(o);
  NetworkOptions batch2;
  batch2.batch = 2;
  check(v2, testing::randomTensor(v2.inputShape(2), rng), batch2);
  testing::expectNoValidationMessages();
}

TEST_CASE("fusion passes (no device): ordinary nodes of the fused kinds, every imported node done once, references unchanged") {
  std::mt19937 rng(23006);
  const auto checkSources = [](const Graph& before, const Graph& after) {
    std::vector<int> done(before.nodes.size(), 0);
    for (size_t e = 0; e < after.nodes.size(); ++e)
      for (NodeId s : sourcesOf(after, NodeId(e))) ++done.at(size_t(s));
    for (int d : done) CHECK(d == 1);
    CHECK(after.values.size() + (before.nodes.size() - after.nodes.size()) == before.values.size());
    CHECK(after.outputs.size() == before.outputs.size());
    for (size_t i = 0; i < after.outputs.size(); ++i)
      CHECK(after.values[size_t(after.outputs[i])].name == before.values[size_t(before.outputs[i])].name);
  };
  const auto count = [](const Graph& g, NodeKind k) {
    return std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.kind == k; });
  };
  MobileNetV2Options o;
  o.alpha = 0.35f;
  o.resolution = 96;
  const Model v2 = Model::mobileNetV2(o);
  const Graph& g = InternalAccess::graph(v2);
  const auto residual = fuseResidualAdds(g);
  CHECK(count(*residual, NodeKind::PointwiseConvAdd) == 10);
  CHECK(count(*residual, NodeKind::Add) == 0);
  CHECK(residual->nodes.size() == g.nodes.size() - 10);
  checkSources(g, *residual);
  const HostTensor in = testing::randomTensor(v2.inputShape(2), rng);
  // The fused kind's reference composes the same functions: bit for bit.
  CHECK(runReferenceOutputs(*residual, in).at(0).data == runReference(v2, in).data);
  // Every depthwise layer with its pointwise consumer (V1: all 13; V2: the 17 projections, whose
  // outputs no ADD can then take).
  const auto pairs = fuseDepthwisePointwise(g, [](NodeId, NodeId) { return true; });
  CHECK(count(*pairs, NodeKind::DepthwisePointwiseConv) == 17);
  checkSources(g, *pairs);
  CHECK(count(*fuseResidualAdds(*pairs), NodeKind::PointwiseConvAdd) == 0);
  CHECK(runReferenceOutputs(*pairs, in).at(0).data == runReference(v2, in).data);
  // Integers: the real V2 file, bit for bit.
  const Model quant = Model::load(testing::shared("models/mobilenet_v2_1.0_224_quant.tflite"));
  const Graph& qg = InternalAccess::graph(quant);
  const auto qfused = fuseResidualAdds(qg);
  CHECK(count(*qfused, NodeKind::PointwiseConvAdd) == 10);
  QuantizedTensor qin(quant.inputShape(), *qg.values[size_t(qg.inputValue)].quant);
  for (auto& v : qin.data) v = int32_t(rng() % 256);
  CHECK(runIntegerReferenceOutputs(*qfused, qin).at(0).data == runIntegerReferenceOutputs(qg, qin).at(0).data);
  // An output the host reads is never fused away; nor is a value read twice.
  auto keep = std::make_shared<Graph>(g);
  for (size_t i = 0; i < keep->nodes.size(); ++i)
    if (keep->nodes[i].kind == NodeKind::Add) {
      const ValueId project = keep->nodes[i].inputs[1];
      keep->values[size_t(project)].graphOutput = true;
      keep->outputs.push_back(project);
      break;
    }
  CHECK(count(*fuseResidualAdds(*keep), NodeKind::PointwiseConvAdd) == 9);
}

TEST_CASE("activation folding (the Model's pass): a Clamp merges into the conv it alone follows, and runs on its own elsewhere") {
  std::mt19937 rng(23007);
  const auto clamp = [](const std::string& name, float lo, float hi) {
    Node n = weightless(NodeKind::Clamp, name);
    n.elementwise().activation = Activation::clamp(lo, hi);
    return n;
  };
  GraphBuilder b("activations", "test");
  b.graph().input = {6, 5, 7};
  const ValueId y = b.add(pointwise("pw", 7, 9, rng), {b.input()});
  const ValueId relu6 = b.add(clamp("relu6", 0.0f, 6.0f), {y});   // folds: pw alone feeds it
  const ValueId z = b.add(pointwise("pw2", 9, 9, rng), {relu6});
  const ValueId r = b.add(clamp("relu", 0.0f, FLT_MAX), {z});    // pw2's output is read twice: no fold
  const ValueId sum = b.add(weightless(NodeKind::Add, "add"), {z, r});
  const ValueId pooled = b.add(weightless(NodeKind::GlobalAvgPool, "pool"), {sum});
  b.markOutput(b.add(clamp("tanh_like", -1.0f, 1.0f), {pooled}));  // a pool takes no clamp: no fold
  const Model model = InternalAccess::model(b.finish());
  const Graph& g = InternalAccess::graph(model);
  REQUIRE(g.nodes.size() == 6);
  CHECK(g.nodes[0].name == "pw");
  CHECK(g.nodes[0].conv().activation.max == 6.0f);
  CHECK(g.values[size_t(g.nodes[0].outputs[0])].name == "relu6");  // the folded value keeps the later name
  size_t clamps = 0;
  for (const Node& n : g.nodes) clamps += n.kind == NodeKind::Clamp;
  CHECK(clamps == 2);
  const HostTensor in = testing::randomTensor(model.inputShape(2), rng, -2.0f, 2.0f);
  NetworkOptions o;
  o.batch = 2;
  Network net(testing::context(), model, o);
  const HostTensor ref = runReference(model, in);
  testing::expectClose(net.run(in), ref, std::vector<float>(ref.data.size(), 1e-5f), "activations");
  testing::expectNoValidationMessages();
}

TEST_CASE("RESHAPE that keeps the channels is a view (no bytes, no dispatch); one that changes them copies; GPU == reference") {
  std::mt19937 rng(23010);
  GraphBuilder b("views", "test");
  b.graph().input = {5, 6, 8};
  Node view = weightless(NodeKind::Reshape, "view");
  view.params = ReshapeParams{{1, 30, 1, 8}};  // 5x6x8 -> 30x1x8: the same NC4HW4 bytes
  Node copy = weightless(NodeKind::Reshape, "copy");
  copy.params = ReshapeParams{{1, 15, 1, 16}};  // channels change: elements move between planes
  const ValueId y = b.add(pointwise("pw1", 8, 8, rng), {b.input()});
  const ValueId r1 = b.add(std::move(view), {y});
  const ValueId r2 = b.add(std::move(copy), {r1});
  const ValueId out = b.add(pointwise("pw2", 16, 5, rng), {r2});
  b.markOutput(out);
  b.markOutput(r1);  // a view read back as an output
  auto g = b.finish();
  g->resolve();
  for (Precision precision : {Precision::FP32}) {
    const ExecutionPlan p = planExecution(*g, 2, precision, false, false, 64);
    CHECK(p.steps[1].view);
    CHECK_FALSE(p.steps[2].view);
    CHECK(p.offsets[size_t(r1)] == p.offsets[size_t(y)]);
    CHECK(p.steps[1].reads.empty());
    CHECK(p.steps[2].barrierBefore);  // the copy reads pw1's bytes through the view
    CHECK(!overlaps(p, r2, y));       // the view keeps pw1's output alive to the end (an output)
  }
  const Model model = ModelAccess::model(g);
  const HostTensor input = testing::randomTensor(model.inputShape(2), rng);
  const auto ref = runReferenceOutputs(model, input);
  Network net(testing::context(), model, [] {
    NetworkOptions o;
    o.batch = 2;
    return o;
  }());
  const auto got = net.runOutputs(input);
  REQUIRE(got.size() == 2);
  CHECK(got[1].shape == Shape{2, 30, 1, 8});
  // Float sums of at most 16 products of |w| <= 0.5 and |x| <= 1 (pw1's outputs stay below 5):
  // 16 * 2^-24 relative per term of a sum below 40, under 1e-4 in all.
  for (size_t i = 0; i < 2; ++i) testing::expectClose(got[i], ref[i], std::vector<float>(ref[i].data.size(), 1e-4f), "views output");
  testing::expectNoValidationMessages();
}
