#include "ops/kernel_variants.h"

namespace mobilevk {

namespace {

constexpr KernelPath F = KernelPath::Float, I = KernelPath::Integer;

// Every kernel variant. The first of each (kind, path) is the portable default; names say the
// block: px = pixels, oc = output channels, ox = outputs along x, per invocation; -ssbo: reads
// through storage buffers.
const KernelVariant kVariants[] = {
    {"px4-oc8", NodeKind::PointwiseConv, F, {4, 2}, 64},
    {"px4-oc16", NodeKind::PointwiseConv, F, {4, 4}, 64},
    {"px8-oc4", NodeKind::PointwiseConv, F, {8, 1}, 64},
    {"px8-oc8", NodeKind::PointwiseConv, F, {8, 2}, 64},
    {"px2-oc16", NodeKind::PointwiseConv, F, {2, 4}, 64},
    {"px8-oc16", NodeKind::PointwiseConv, F, {8, 4}, 64},
    {"px8-oc32", NodeKind::PointwiseConv, F, {8, 8}, 64},
    {"px4-oc8-ssbo", NodeKind::PointwiseConv, F, {4, 2}, 64, true},
    {"px4-oc16-ssbo", NodeKind::PointwiseConv, F, {4, 4}, 64, true},
    {"px4-oc8", NodeKind::PointwiseConv, I, {4, 2}, 64},
    {"px4-oc16", NodeKind::PointwiseConv, I, {4, 4}, 64},
    {"px8-oc4", NodeKind::PointwiseConv, I, {8, 1}, 64},
    {"px2-oc16", NodeKind::PointwiseConv, I, {2, 4}, 64},
    {"ox4", NodeKind::DepthwiseConv, F, {4, 0}, 64},
    {"ox2", NodeKind::DepthwiseConv, F, {2, 0}, 64},
    {"ox8", NodeKind::DepthwiseConv, F, {8, 0}, 64},
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

}  // namespace

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

std::string unsupportedReason(const KernelVariant& variant, const DeviceCapabilities& caps) {
  if (variant.workgroupInvocations > caps.maxWorkgroupInvocations)
    return "needs " + std::to_string(variant.workgroupInvocations) + " invocations per workgroup, the device allows " +
           std::to_string(caps.maxWorkgroupInvocations);
  return "";
}

const KernelVariant* defaultKernelVariant(NodeKind kind, KernelPath path, const DeviceInfo& device) {
  const auto all = kernelVariants(kind, path);
  if (all.empty()) return nullptr;
  // GPUs: wider pointwise blocks (16 output channels) amortize each input fetch over more
  // multiply-adds; CPU drivers spill registers past the 4x8 block (measured on lavapipe).
  const bool gpu = device.type == "discrete" || device.type == "integrated";
  if (gpu && kind == NodeKind::PointwiseConv)
    if (const KernelVariant* wide = findKernelVariant(kind, path, "px4-oc16"))
      if (unsupportedReason(*wide, device.caps).empty()) return wide;
  for (const KernelVariant* v : all)
    if (unsupportedReason(*v, device.caps).empty()) return v;
  return nullptr;
}

}  // namespace mobilevk
