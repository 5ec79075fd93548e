// PosenetDecoderOp is a host kind (graph/op_list.h): the runtime runs its CPU implementation
// (cpu/posenet_decoder.cpp) after the readback of its inputs, so it records no dispatch.
#include "ops/gpu_op_table.h"

#include "mobilevk/error.h"

namespace mobilevk {

std::unique_ptr<GpuOp> makeGpuOpPosenetDecoder(Gpu&, const GpuOpRequest& r) {
  throw Error(ErrorCode::Internal, "PosenetDecoder '" + r.node.name + "' runs on the host, not as a GPU op");
}

}  // namespace mobilevk
