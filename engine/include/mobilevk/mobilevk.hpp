#pragma once
// The whole public C++ API of mobilevk in one include:
//   Context (a device, or the host's), Model (from a file, from memory, or built), Network (record
//   or run), images to input tensors, labels and top-K, typed errors. The C API is mobilevk.h.
#include "mobilevk/context.h"
#include "mobilevk/detection.h"
#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "mobilevk/labels.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "mobilevk/pose.h"
#include "mobilevk/reference.h"
#include "mobilevk/segmentation.h"
#include "mobilevk/tensor.h"
