// TFLite_Detection_PostProcess is a host kind (graph/op_list.h): the runtime runs its CPU
// implementation (cpu/detection_post_process.cpp) after the readback of its inputs, so it records
// no dispatch.
#include "ops/gpu_op_table.h"

#include "mobilevk/error.h"

namespace mobilevk {

// Host kinds record nothing: the runtime runs them after the readback of their inputs.
std::unique_ptr<GpuOp> makeGpuOpDetectionPostProcess(Gpu&, const GpuOpRequest& r) {
  throw Error(ErrorCode::Internal, "DetectionPostProcess '" + r.node.name + "' runs on the host, not as a GPU op");
}

}  // namespace mobilevk
