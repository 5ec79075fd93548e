#include "ops/kernel_variants.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mobilevk {

namespace {

constexpr KernelPath F = KernelPath::Float, I = KernelPath::Integer;
using B = KernelVariant::Build;

// Every kernel variant. The first of each (kind, path) is the portable default; names say the
// block: px = pixels, oc = output channels, ox = outputs along x, per invocation; -ssbo: reads
// through storage buffers; tiled-: shared-memory tiles of k input channels per step; -f16: fp16
// arithmetic, -f16acc32: fp16 products accumulated in fp32; fused-pw-: with the next pointwise layer.
const KernelVariant kVariants[] = {
    {"px4-oc8", NodeKind::PointwiseConv, F, {4, 2}, 64},
    {"px4-oc16", NodeKind::PointwiseConv, F, {4, 4}, 64},
    {"px8-oc4", NodeKind::PointwiseConv, F, {8, 1}, 64},
    {"px8-oc8", NodeKind::PointwiseConv, F, {8, 2}, 64},
    {"px2-oc16", NodeKind::PointwiseConv, F, {2, 4}, 64},
    {"px8-oc16", NodeKind::PointwiseConv, F, {8, 4}, 64},
    {"px8-oc32", NodeKind::PointwiseConv, F, {8, 8}, 64},
    {"px4-oc8-ssbo", NodeKind::PointwiseConv, F, {4, 2}, 64, B::StorageReads},
    {"px4-oc16-ssbo", NodeKind::PointwiseConv, F, {4, 4}, 64, B::StorageReads},
    {"tiled-px4-oc8-k4", NodeKind::PointwiseConv, F, {4, 2}, 64, B::SharedTiles, 4},
    {"tiled-px4-oc16-k4", NodeKind::PointwiseConv, F, {4, 4}, 64, B::SharedTiles, 4},
    {"tiled-px8-oc8-k8", NodeKind::PointwiseConv, F, {8, 2}, 64, B::SharedTiles, 8},
    {"px4-oc8-f16", NodeKind::PointwiseConv, F, {4, 2}, 64, B::Half},
    {"px4-oc16-f16", NodeKind::PointwiseConv, F, {4, 4}, 64, B::Half},
    {"px4-oc8-f16acc32", NodeKind::PointwiseConv, F, {4, 2}, 64, B::HalfAcc32},
    {"px4-oc8", NodeKind::PointwiseConv, I, {4, 2}, 64},
    {"px4-oc16", NodeKind::PointwiseConv, I, {4, 4}, 64},
    {"px8-oc4", NodeKind::PointwiseConv, I, {8, 1}, 64},
    {"px2-oc16", NodeKind::PointwiseConv, I, {2, 4}, 64},
    {"ox4", NodeKind::DepthwiseConv, F, {4, 0}, 64},
    {"ox2", NodeKind::DepthwiseConv, F, {2, 0}, 64},
    {"ox8", NodeKind::DepthwiseConv, F, {8, 0}, 64},
    {"fused-pw-px4-oc8", NodeKind::DepthwisePointwiseConv, F, {4, 2}, 64},
    {"fused-pw-px4-oc32", NodeKind::DepthwisePointwiseConv, F, {4, 8}, 64},
    {"ox4", NodeKind::DepthwiseConv, I, {4, 0}, 64},
    {"ox2", NodeKind::DepthwiseConv, I, {2, 0}, 64},
    {"ox8", NodeKind::DepthwiseConv, I, {8, 0}, 64},
    {"px4-oc8", NodeKind::Conv2D, F, {4, 2}, 64},
    {"px2-oc8", NodeKind::Conv2D, F, {2, 2}, 64},
    {"px8-oc4", NodeKind::Conv2D, F, {8, 1}, 64},
    {"ox4", NodeKind::Conv2D, I, {4, 0}, 64},
    {"ox2", NodeKind::Conv2D, I, {2, 0}, 64},
    {"ox8", NodeKind::Conv2D, I, {8, 0}, 64},
};

// Mesa's major version from a llvmpipe driverInfo ("Mesa 22.3.6 (LLVM 15.0.6)"); 0 when the driver
// is not llvmpipe or says no version.
int llvmpipeMesaMajor(const DeviceCapabilities& caps) {
  if (caps.driverName != "llvmpipe") return 0;
  const char* mesa = std::strstr(caps.driverInfo.c_str(), "Mesa ");
  return mesa ? std::atoi(mesa + 5) : 0;
}

}  // namespace

std::string driverProblem(const KernelVariant& variant, const DeviceCapabilities& caps) {
  // Mesa before 25 (measured: 22.3.6 with LLVM 15) crashes compiling large pointwise register
  // blocks: lavapipe's queue thread dereferences NULL (SIGSEGV, exit 139) about 70 s into the
  // compile, a shallow stack (no overflow) in libvulkan_lvp.so's dispatch path. It depends on
  // gallivm's vector width (llvmpipe's subgroup size: 8 lanes at 256 bits, 16 at 512, which it
  // takes on AVX-512 hosts such as Sapphire Rapids):
  //   - 512-bit hosts: px8-oc32 (64 vec4 accumulators) crashed in the field; px8-oc16 (32) compiled
  //     in 23 s there, yet crashed with LP_NATIVE_VECTOR_WIDTH=512 on an AVX2 host (this
  //     project's CI machines), where each 512-bit value takes two registers;
  //   - 256-bit hosts: px8-oc32 compiled and ran, slowly (it never won a layer on Mesa 22.3).
  // So on those drivers blocks over 32 accumulators are refused, and at 16 lanes blocks of 32 too.
  // Mesa 25.0's llvmpipe compiles px8-oc32 in 2 s and it is the fastest block there: kept.
  // Mesa 23 and 24 are unmeasured and treated as 22.3. The ctests variants/cold-compile and
  // mesa25/variants/cold-compile build every variant this leaves with Mesa's shader cache off, and
  // variants/tune-cold-512 runs a cold tune on Mesa 22.3 at 512 bits.
  const int mesa = llvmpipeMesaMajor(caps);
  if (mesa <= 0 || mesa >= 25 || variant.kind != NodeKind::PointwiseConv || variant.build != KernelVariant::Build::Texel)
    return "";
  const uint32_t accumulators = variant.block[0] * std::max(1u, variant.block[1]);
  const uint32_t lanes = caps.hardwareSubgroupSize;
  if (accumulators > 32 || (lanes >= 16 && accumulators >= 32))
    return "holds " + std::to_string(accumulators) + " vec4 accumulators, which crashes Mesa " + std::to_string(mesa) +
           "'s llvmpipe (" + std::to_string(lanes * 32) + "-bit vectors) while compiling; Mesa 25 runs it";
  return "";
}

std::vector<const KernelVariant*> kernelVariants(NodeKind kind, KernelPath path) {
  std::vector<const KernelVariant*> out;
  for (const auto& v : kVariants)
    if (v.kind == kind && v.path == path) out.push_back(&v);
  return out;
}

const KernelVariant* findKernelVariant(NodeKind kind, KernelPath path, const std::string& name) {
  for (const KernelVariant* v : kernelVariants(kind, path))
    if (name == v->name) return v;
  return nullptr;
}

std::string fusionProblem(const Graph& graph, NodeId i, const Shape& depthwiseOutput) {
  const NodeId consumer = graph.soleConsumer(i);
  if (consumer < 0 || graph.nodes[size_t(consumer)].kind != NodeKind::PointwiseConv)
    return "fuses the pointwise layer that alone reads its output, and there is none";
  if (depthwiseOutput.h * depthwiseOutput.w > 14 * 14)
    return "is for maps up to 14x14, this one is " + std::to_string(depthwiseOutput.h) + "x" + std::to_string(depthwiseOutput.w);
  return "";
}

void tiledWorkgroup(const KernelVariant& variant, uint32_t subgroupSize, uint32_t out[2]) {
  const uint32_t x = std::max(1u, std::min(subgroupSize, variant.workgroupInvocations));
  out[0] = x;
  out[1] = std::max(1u, variant.workgroupInvocations / x);
}

uint32_t sharedMemoryBytes(const KernelVariant& variant, uint32_t subgroupSize) {
  if (variant.build != KernelVariant::Build::SharedTiles) return 0;
  uint32_t wg[2];
  tiledWorkgroup(variant, subgroupSize, wg);
  const uint32_t pixels = wg[0] * variant.block[0], groups = wg[1] * variant.block[1];
  // fp32 vec4s: an input tile of k channel groups x pixels, and a weight tile of the output
  // channel groups x k input groups x 4 input lanes.
  return 16 * variant.tileChannelGroups * (pixels + groups * 4);
}

std::string unsupportedReason(const KernelVariant& variant, const DeviceCapabilities& caps, Precision precision) {
  if (std::string why = driverProblem(variant, caps); !why.empty()) return why;
  if (variant.workgroupInvocations > caps.maxWorkgroupInvocations)
    return "needs " + std::to_string(variant.workgroupInvocations) + " invocations per workgroup, the device allows " +
           std::to_string(caps.maxWorkgroupInvocations);
  if (variant.build == KernelVariant::Build::SharedTiles) {
    const uint32_t s = caps.subgroupSize;
    if (s < 4 || s > variant.workgroupInvocations || (s & (s - 1)) != 0)
      return "tiles by subgroup and needs a subgroup size that is a power of two from 4 to " +
             std::to_string(variant.workgroupInvocations) + ", the device's is " + std::to_string(s);
    const uint32_t bytes = sharedMemoryBytes(variant, s);
    if (bytes > caps.maxSharedMemoryBytes)
      return "needs " + std::to_string(bytes) + " bytes of shared memory, the device allows " +
             std::to_string(caps.maxSharedMemoryBytes);
  }
  if (variant.build == KernelVariant::Build::Half || variant.build == KernelVariant::Build::HalfAcc32) {
    if (!caps.float16Arithmetic) return "needs fp16 arithmetic (shaderFloat16), which the device lacks";
    if (precision != Precision::FP16) return "computes in fp16 and runs only with fp16 tensors (precision fp16)";
  }
  return "";
}

const KernelVariant* defaultKernelVariant(NodeKind kind, KernelPath path, const DeviceInfo& device, Precision precision) {
  const auto all = kernelVariants(kind, path);
  if (all.empty()) return nullptr;
  const auto usable = [&](const char* name) -> const KernelVariant* {
    const KernelVariant* v = findKernelVariant(kind, path, name);
    return v && unsupportedReason(*v, device.caps, precision).empty() ? v : nullptr;
  };
  if (kind == NodeKind::PointwiseConv) {
    // Discrete GPUs: the shared-memory tiled GEMM, the shape ncnn, MNN and IREE give 1x1
    // convolutions there (unmeasured here: no discrete GPU in this project's CI). Integrated GPUs:
    // wider register blocks (16 output channels) amortize each input fetch over more multiply-adds.
    // CPU drivers (lavapipe) spill registers past the 4x8 block and run shared memory as plain
    // memory behind barriers: 4x8 measured fastest there, tiles 8-20x slower.
    if (device.type == "discrete" && device.caps.subgroupSize >= 16 && device.caps.maxSharedMemoryBytes >= 16384)
      if (const KernelVariant* v = usable("tiled-px4-oc16-k4")) return v;
    if (device.type == "discrete" || device.type == "integrated")
      if (const KernelVariant* v = usable("px4-oc16")) return v;
  }
  for (const KernelVariant* v : all)
    if (unsupportedReason(*v, device.caps, precision).empty()) return v;
  return nullptr;
}

}  // namespace mobilevk
