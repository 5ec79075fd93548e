#include "graph/op_table.h"

#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk {

namespace {

Shape convShape(const Node& n, const std::vector<Shape>& in) { return convOutputShape(n.conv(), *opKind(n.kind).conv, in.at(0)); }
// A window over H and W with the channels kept (pools).
Shape windowShape(const Node& n, const std::vector<Shape>& in) { return windowOutputShape(n.name, in.at(0), n.pool().window); }
// A depthwise conv, then the pointwise conv of the node's second layer.
Shape fusedPointwiseShape(const Node& n, const std::vector<Shape>& in) {
  const Shape mid = convOutputShape(n.conv(), ConvKind::Depthwise, in.at(0));
  if (!n.second) throw Error(ErrorCode::Internal, "DepthwisePointwiseConv '" + n.name + "' has no pointwise layer");
  return convOutputShape(n.second->pointwise, ConvKind::Pointwise, mid);
}
// A pointwise conv whose result the second input is added to.
Shape residualShape(const Node& n, const std::vector<Shape>& in) {
  const Shape out = convOutputShape(n.conv(), ConvKind::Pointwise, in.at(0));
  if (in.at(1) != out)
    throw Error(ErrorCode::InvalidModel, "PointwiseConvAdd '" + n.name + "': skip input " + in[1].str() + " differs from the conv's output " + out.str());
  return out;
}
Shape pooledShape(const Node&, const std::vector<Shape>& in) { return {in.at(0).n, 1, 1, in.at(0).c}; }
Shape sameShape(const Node&, const std::vector<Shape>& in) { return in.at(0); }
// Elementwise over inputs of one shape (no broadcasting).
Shape sameShapes(const Node& n, const std::vector<Shape>& in) {
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i] != in[0])
      throw Error(ErrorCode::InvalidModel, std::string(nodeKindName(n.kind)) + " '" + n.name + "': input " + std::to_string(i) + " has shape " +
                  in[i].str() + ", input 0 has " + in[0].str() + " (mobilevk adds tensors of one shape, without broadcasting)");
  return in.at(0);
}

// RESHAPE: the target's H, W and C at the input's batch, with as many elements per image.
Shape reshapeShape(const Node& n, const std::vector<Shape>& in) {
  const Shape& target = n.reshape().shape;
  const Shape out{in.at(0).n, target.h, target.w, target.c};
  if (uint64_t(out.h) * out.w * out.c != uint64_t(in[0].h) * in[0].w * in[0].c)
    throw Error(ErrorCode::InvalidModel, "Reshape '" + n.name + "': " + in[0].str() + " cannot become " + out.str() +
                " (a different number of elements per image)");
  return out;
}
// PAD: H and W grown by the pads (none negative).
Shape paddedShape(const Node& n, const std::vector<Shape>& in) {
  const PadParams& p = n.pad();
  if (p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0)
    throw Error(ErrorCode::InvalidModel, "Pad '" + n.name + "': negative padding " + std::to_string(p.top) + "," + std::to_string(p.bottom) +
                "," + std::to_string(p.left) + "," + std::to_string(p.right));
  return {in.at(0).n, in[0].h + p.top + p.bottom, in[0].w + p.left + p.right, in[0].c};
}
// RESIZE_BILINEAR: the node's height and width.
Shape resizedShape(const Node& n, const std::vector<Shape>& in) {
  const ResizeParams& p = n.resize();
  if (p.height <= 0 || p.width <= 0 || p.height > 16384 || p.width > 16384)
    throw Error(ErrorCode::InvalidModel, "ResizeBilinear '" + n.name + "': size " + std::to_string(p.height) + "x" + std::to_string(p.width) +
                " (expected 1 to 16384)");
  if (p.alignCorners && p.halfPixelCenters)
    throw Error(ErrorCode::InvalidModel, "ResizeBilinear '" + n.name + "': align_corners and half_pixel_centers together (TFLite refuses it)");
  return {in.at(0).n, p.height, p.width, in[0].c};
}
// ARG_MAX over channels: one class index per pixel.
Shape indexShape(const Node&, const std::vector<Shape>& in) { return {in.at(0).n, in[0].h, in[0].w, 1}; }
// CONCATENATION: every input alike but along the axis, where the output is their sum.
Shape concatShape(const Node& n, const std::vector<Shape>& in) {
  const int axis = n.concat().axis;
  if (axis < 1 || axis > 3)
    throw Error(ErrorCode::InvalidModel, "Concatenation '" + n.name + "': axis " + std::to_string(axis) +
                " of an NHWC tensor (mobilevk joins along H, W or C: 1, 2 or 3)");
  auto dims = [](const Shape& s) { return std::vector<int>{s.n, s.h, s.w, s.c}; };
  std::vector<int> out = dims(in.at(0));
  for (size_t i = 1; i < in.size(); ++i) {
    std::vector<int> d = dims(in[i]);
    for (int k = 0; k < 4; ++k)
      if (k != axis && d[size_t(k)] != out[size_t(k)])
        throw Error(ErrorCode::InvalidModel, "Concatenation '" + n.name + "': input " + std::to_string(i) + " has shape " +
                    in[i].str() + ", input 0 has " + in[0].str() + "; only axis " + std::to_string(axis) + " may differ");
    out[size_t(axis)] += d[size_t(axis)];
  }
  return {out[0], out[1], out[2], out[3]};
}
// TFLite_Detection_PostProcess: boxes [1, D, 4] as {1, D, 1, 4}, classes and scores [1, D] as
// {1, 1, 1, D}, the count [1] as {1, 1, 1, 1}; D = max_detections * max_classes_per_detection.
std::vector<Shape> detectionShapes(const Node& n, const std::vector<Shape>& in) {
  const DetectionParams& p = n.detection();
  const Shape& boxes = in.at(0);
  const Shape& scores = in.at(1);
  const std::string who = "DetectionPostProcess '" + n.name + "'";
  if (boxes.n != 1) throw Error(ErrorCode::Unsupported, who + ": batch " + std::to_string(boxes.n) + "; the post-process takes one image");
  if (boxes.w != 1 || boxes.c < 4)
    throw Error(ErrorCode::InvalidModel, who + ": box encodings " + boxes.str() + ", expected [1, boxes, 4 or more]");
  if (scores.n != 1 || scores.w != 1 || scores.h != boxes.h)
    throw Error(ErrorCode::InvalidModel, who + ": class scores " + scores.str() + " for " + std::to_string(boxes.h) + " boxes");
  if (size_t(boxes.h) != p.anchors.size())
    throw Error(ErrorCode::InvalidModel, who + ": " + std::to_string(boxes.h) + " box encodings but " + std::to_string(p.anchors.size()) +
                " anchors (one anchor per box)");
  const int label = scores.c - p.options.numClasses;
  if (label != 0 && label != 1)
    throw Error(ErrorCode::InvalidModel, who + ": " + std::to_string(scores.c) + " class scores per box for num_classes " +
                std::to_string(p.options.numClasses) + " (expected num_classes, or one more for the background)");
  const int d = p.options.outputBoxes();
  return {{1, d, 1, 4}, {1, 1, 1, d}, {1, 1, 1, d}, {1, 1, 1, 1}};
}

// PosenetDecoderOp: heatmaps {1, H, W, 17}, short offsets {1, H, W, 34} and mid offsets
// {1, H, W, 64} in; keypoints [1, D, 17, 2], keypoint scores [1, D, 17] as {1, D, 1, 17}, pose scores
// [1, D] as {1, 1, 1, D}, the count [1] out; D = max_detections.
std::vector<Shape> poseShapes(const Node& n, const std::vector<Shape>& in) {
  const std::string who = "PosenetDecoder '" + n.name + "'";
  const Shape& heat = in.at(0);
  if (heat.n != 1) throw Error(ErrorCode::Unsupported, who + ": batch " + std::to_string(heat.n) + "; the decoder takes one image");
  const int channels[3] = {kPoseKeypoints, 2 * kPoseKeypoints, 4 * kPoseEdges};
  const char* names[3] = {"heatmaps", "short offsets", "mid offsets"};
  for (size_t i = 0; i < 3; ++i)
    if (in.at(i) != Shape{1, heat.h, heat.w, channels[i]})
      throw Error(ErrorCode::InvalidModel, who + ": " + names[i] + " " + in[i].str() + ", expected 1x" + std::to_string(heat.h) + "x" +
                  std::to_string(heat.w) + "x" + std::to_string(channels[i]));
  const int d = n.pose().options.maxDetections;
  return {{1, d, kPoseKeypoints, 2}, {1, d, 1, kPoseKeypoints}, {1, 1, 1, d}, {1, 1, 1, 1}};
}

std::vector<Shape> shapesOf(Shape s) { return {s}; }
std::vector<Shape> shapesOf(std::vector<Shape> s) { return s; }
template <auto F>
std::vector<Shape> outputShapesOf(const Node& n, const std::vector<Shape>& in) { return shapesOf(F(n, in)); }
HostOutputs outputsOf(HostTensor t) {
  HostOutputs out;
  out.push_back(std::move(t));
  return out;
}
HostOutputs outputsOf(HostOutputs t) { return t; }
template <auto F>
HostOutputs referenceOf(const Node& n, const HostInputs& in) { return outputsOf(F(n, in)); }

// In NodeKind order (both come from op_list.h).
const OpKindInfo kTable[] = {
#define MVK_ROW(kind, weights, outputShape, inputs, placement)                                              \
  {NodeKind::kind, #kind, weights, inputs, Placement::placement, outputShapesOf<outputShape>, referenceOf<cpu::run##kind>, \
   cpu::runInteger##kind},
    MVK_OP_KINDS(MVK_ROW)
#undef MVK_ROW
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == kNodeKindCount, "one row per NodeKind");

}  // namespace

const OpKindInfo& opKind(NodeKind kind) {
  const size_t i = size_t(kind);
  if (i >= kNodeKindCount || kTable[i].kind != kind)
    throw Error(ErrorCode::Internal, "the op table has no row for node kind " + std::to_string(i));
  return kTable[i];
}

}  // namespace mobilevk
