#pragma once
// Conversion of decoded FFmpeg frames to RGBA8 with libswscale, shared by the video and camera
// sources. JPEG's full-range "yuvj" formats are mapped to their plain equivalents with the range
// set explicitly (swscale deprecates the yuvj names).
extern "C" {
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <vector>

// Converts one w x h image in `fmt` to tightly packed RGBA8 in `out`; false when swscale cannot.
bool convertToRgba(SwsContext*& cache, const uint8_t* const src[], const int stride[], AVPixelFormat fmt, int w, int h,
                   std::vector<uint8_t>& out);
