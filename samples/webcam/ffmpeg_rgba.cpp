#include "ffmpeg_rgba.h"

extern "C" {
#include <libavutil/log.h>
}

bool convertToRgba(SwsContext*& cache, const uint8_t* const src[], const int stride[], AVPixelFormat fmt, int w, int h,
                   std::vector<uint8_t>& out) {
  bool fullRange = false;
  switch (fmt) {
    case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; fullRange = true; break;
    case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; fullRange = true; break;
    case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; fullRange = true; break;
    case AV_PIX_FMT_YUVJ440P: fmt = AV_PIX_FMT_YUV440P; fullRange = true; break;
    default: break;
  }
  cache = sws_getCachedContext(cache, w, h, fmt, w, h, AV_PIX_FMT_RGBA, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!cache) return false;
  if (fullRange) {
    int* inv;
    int* table;
    int srcRange, dstRange, brightness, contrast, saturation;
    if (sws_getColorspaceDetails(cache, &inv, &srcRange, &table, &dstRange, &brightness, &contrast, &saturation) >= 0)
      sws_setColorspaceDetails(cache, inv, 1, table, dstRange, brightness, contrast, saturation);
  }
  out.resize(size_t(w) * h * 4);
  uint8_t* dst[4] = {out.data(), nullptr, nullptr, nullptr};
  const int dstStride[4] = {w * 4, 0, 0, 0};
  return sws_scale(cache, src, stride, 0, h, dst, dstStride) == h;
}
