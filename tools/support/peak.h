#pragma once
// What a device can do at best, measured with small synthetic shaders, so that every layer's speed
// can be read as a fraction of it (on lavapipe: the CPU's SIMD rate as lavapipe exposes it).
#include "mobilevk/context.h"

namespace mobilevk {

struct PeakRates {
  double fp32Gflops = 0;    // 2 x FMAs per second
  double fp16Gflops = 0;    // 0 when the device has no fp16 arithmetic
  double bandwidthGBs = 0;  // bytes read + written per second by a buffer copy
};

PeakRates measurePeak(Context& context);

}  // namespace mobilevk
