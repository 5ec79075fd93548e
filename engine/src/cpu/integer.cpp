// What the integer twins share: the node's quantized layer and its requantization scales.
#include "cpu/reference.h"
#include "mobilevk/error.h"

namespace mobilevk::cpu {

const QuantizedLayer& quantizedLayerOf(const Node& node, const QuantizedTensor& in) {
  if (!node.quant)
    throw Error(ErrorCode::Unsupported, std::string(nodeKindName(node.kind)) + " '" + node.name +
                "' has no quantized weights or tensors: it runs only on the float path");
  const QuantizedLayer& q = *node.quant;
  if (in.quant.type != q.input.type || in.quant.scale != q.input.scale || in.quant.zeroPoint != q.input.zeroPoint)
    throw Error(ErrorCode::InvalidArgument, std::string(nodeKindName(node.kind)) + " '" + node.name + "' expects input " +
                q.input.str() + ", got " + in.quant.str());
  if (in.data.size() != in.shape.elements())
    throw Error(ErrorCode::InvalidArgument, "quantized tensor " + in.shape.str() + " holds " + std::to_string(in.data.size()) +
                " values");
  return q;
}


}  // namespace mobilevk::cpu
