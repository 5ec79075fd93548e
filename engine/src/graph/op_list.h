#pragma once
// Every layer kind mobilevk runs, one row each: the one place a new op is declared.
//
//   X(Kind, Weights, OutputShape, Inputs, Placement)
//     Kind         the NodeKind, also the op's name in summaries and errors;
//     Weights      the weight layout (a ConvKind) for kinds that carry weights, else std::nullopt;
//     OutputShape  how the output shape follows from the inputs (graph/op_table.cpp): convShape
//                  (window and weights), windowShape (window, channels kept), pooledShape
//                  ([N,1,1,C]), sameShape (the first input's), sameShapes (every input alike),
//                  fusedPointwiseShape (the window's, then the second layer's channels),
//                  residualShape (the conv's, which the skip input must have), reshapeShape
//                  (the node's target), paddedShape (H and W grown by the pads), resizedShape (the node's size),
//                  indexShape ([N,H,W,1]: one index per pixel), concatShape (the inputs joined along the axis),
//                  detectionShapes (the post-process's four outputs; a kind with several outputs
//                  returns one shape per output), poseShapes (the pose decoder's four);
//     Inputs       how many input values a node of the kind reads (kVariadic: one or more);
//     Placement    where it runs: Device (a GPU op), or Host (on the CPU, after the readback of its
//                  inputs: decoders whose work is branchy and small).
//
// A row promises two functions by name, and a missing one fails to link:
//   HostTensor cpu::run<Kind>(const Node&, const HostInputs&)    the CPU reference, engine/src/cpu/
//     (a list of tensors for a kind with several outputs: cpu/reference.h's ReferenceResult)
//   std::unique_ptr<GpuOp> makeGpuOp<Kind>(Gpu&, const GpuOpRequest&)   engine/src/ops/
// and the integer twin (integer execution of quantized files, graph/quantization.h):
//   QuantizedTensor cpu::runInteger<Kind>(const Node&, const QuantizedInputs&)
// A Host kind's inputs reach it as floats (dequantized from the device's 8-bit tensors exactly as
// the file's runtime does), so its integer twin is never called; it says so if it is.
// Sources, shaders and their fp16 variants are found by the build (globs), so a new op is: its
// shader, its op file, its CPU file, its row here, and its importer case. The last rows are the
// fused kinds, which no importer makes: the passes of graph/passes.h do.
#define MVK_OP_KINDS(X)                                                   \
  X(Conv2D, ConvKind::Standard, convShape, 1, Device)                     \
  X(DepthwiseConv, ConvKind::Depthwise, convShape, 1, Device)             \
  X(PointwiseConv, ConvKind::Pointwise, convShape, 1, Device)             \
  X(FullyConnected, ConvKind::FullyConnected, convShape, 1, Device)       \
  X(GlobalAvgPool, std::nullopt, pooledShape, 1, Device)                  \
  X(Softmax, std::nullopt, sameShape, 1, Device)                          \
  X(MaxPool2D, std::nullopt, windowShape, 1, Device)                      \
  X(Add, std::nullopt, sameShapes, 2, Device)                             \
  X(Mean, std::nullopt, pooledShape, 1, Device)                           \
  X(Quantize, std::nullopt, sameShape, 1, Device)                         \
  X(Clamp, std::nullopt, sameShape, 1, Device)                            \
  X(Reshape, std::nullopt, reshapeShape, 1, Device)                        \
  X(Concatenation, std::nullopt, concatShape, kVariadic, Device)           \
  X(Logistic, std::nullopt, sameShape, 1, Device)                          \
  X(Pad, std::nullopt, paddedShape, 1, Device)                             \
  X(ResizeBilinear, std::nullopt, resizedShape, 1, Device)                 \
  X(ArgMax, std::nullopt, indexShape, 1, Device)                           \
  X(DetectionPostProcess, std::nullopt, detectionShapes, 2, Host)          \
  X(PosenetDecoder, std::nullopt, poseShapes, 3, Host)                      \
  X(DepthwisePointwiseConv, ConvKind::Depthwise, fusedPointwiseShape, 1, Device) \
  X(PointwiseConvAdd, ConvKind::Pointwise, residualShape, 2, Device)
