#pragma once
// Every layer kind mobilevk runs, one row each: the one place a new op is declared.
//
//   X(Kind, Weights, OutputShape)
//     Kind         the NodeKind, also the op's name in summaries and errors;
//     Weights      the weight layout (a ConvKind) for kinds that carry weights, else std::nullopt;
//     OutputShape  how the output shape follows from the input (graph/op_table.cpp): convShape
//                  (window and weights), windowShape (window, channels kept), pooledShape
//                  ([N,1,1,C]), sameShape.
//
// A row promises two functions by name, and a missing one fails to link:
//   HostTensor cpu::run<Kind>(const Node&, const HostTensor&)    the CPU reference, engine/src/cpu/
//   std::unique_ptr<GpuOp> makeGpuOp<Kind>(Gpu&, const Node&, Precision, weights)   engine/src/ops/
// and their integer variants (integer execution of quantized files, graph/quantization.h):
//   QuantizedTensor cpu::runInteger<Kind>(const Node&, const QuantizedTensor&)
//   std::unique_ptr<GpuOp> makeIntegerGpuOp<Kind>(Gpu&, const Node&, integer weights)
// Sources, shaders and their fp16 variants are found by the build (globs), so a new op is: its
// shader, its op file, its CPU file, its row here, and its importer case.
#define MVK_OP_KINDS(X)                                  \
  X(Conv2D, ConvKind::Standard, convShape)               \
  X(DepthwiseConv, ConvKind::Depthwise, convShape)       \
  X(PointwiseConv, ConvKind::Pointwise, convShape)       \
  X(FullyConnected, ConvKind::FullyConnected, convShape) \
  X(GlobalAvgPool, std::nullopt, pooledShape)            \
  X(Softmax, std::nullopt, sameShape)                    \
  X(MaxPool2D, std::nullopt, windowShape)
