// V4L2 cameras: MJPEG (decoded by FFmpeg's mjpeg decoder) or YUYV (converted by libswscale) at a
// requested size and frame rate, through memory-mapped streaming buffers. Every wait is bounded.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
}

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ffmpeg_rgba.h"
#include "source.h"

namespace {

std::string fourcc(uint32_t f) {
  return {char(f & 0xff), char((f >> 8) & 0xff), char((f >> 16) & 0xff), char((f >> 24) & 0xff)};
}

int xioctl(int fd, unsigned long req, void* arg) {
  int r;
  do r = ioctl(fd, req, arg);
  while (r < 0 && errno == EINTR);
  return r;
}

class Camera : public FrameSource {
 public:
  Camera(std::string device, int width, int height, int fps) : device_(std::move(device)) {
    fd_ = open(device_.c_str(), O_RDWR | O_NONBLOCK);
    if (fd_ < 0) {
      const int e = errno;
      throw SourceError(device_ + ": cannot open camera (" + std::strerror(e) + ")" +
                        (e == ENOENT ? "; is a camera connected? list them with: ls /dev/video*" : "") +
                        (e == EBUSY ? "; another program is using it" : ""));
    }
    v4l2_capability cap{};
    if (xioctl(fd_, VIDIOC_QUERYCAP, &cap) < 0) fail("is not a V4L2 device");
    if (!(cap.capabilities & V4L2_CAP_VIDEO_CAPTURE) || !(cap.capabilities & V4L2_CAP_STREAMING))
      fail("cannot capture video by streaming");
    // Offer MJPEG first (less USB bandwidth at high resolution), then YUYV.
    std::string offered;
    for (uint32_t want : {uint32_t(V4L2_PIX_FMT_MJPEG), uint32_t(V4L2_PIX_FMT_YUYV)}) {
      v4l2_format fmt{};
      fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      fmt.fmt.pix.width = uint32_t(width);
      fmt.fmt.pix.height = uint32_t(height);
      fmt.fmt.pix.pixelformat = want;
      fmt.fmt.pix.field = V4L2_FIELD_NONE;
      if (xioctl(fd_, VIDIOC_S_FMT, &fmt) < 0) {
        if (errno == EBUSY) fail("is busy: another program is capturing from it");
        continue;
      }
      offered += fourcc(fmt.fmt.pix.pixelformat) + " ";
      if (fmt.fmt.pix.pixelformat == want) {
        format_ = want;
        width_ = int(fmt.fmt.pix.width);
        height_ = int(fmt.fmt.pix.height);
        break;
      }
    }
    if (!format_) fail("supports neither MJPEG nor YUYV (it offered: " + (offered.empty() ? "nothing" : offered) + ")");
    v4l2_streamparm parm{};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    parm.parm.capture.timeperframe = {1, uint32_t(fps)};
    xioctl(fd_, VIDIOC_S_PARM, &parm);  // a camera may not support rate control; that is fine

    v4l2_requestbuffers req{};
    req.count = 4;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd_, VIDIOC_REQBUFS, &req) < 0 || req.count < 2) fail("cannot allocate capture buffers");
    for (uint32_t i = 0; i < req.count; ++i) {
      v4l2_buffer b{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      b.index = i;
      if (xioctl(fd_, VIDIOC_QUERYBUF, &b) < 0) fail("cannot query capture buffer");
      void* p = mmap(nullptr, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, b.m.offset);
      if (p == MAP_FAILED) fail("cannot map capture buffer");
      buffers_.push_back({p, b.length});
      if (xioctl(fd_, VIDIOC_QBUF, &b) < 0) fail("cannot queue capture buffer");
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(fd_, VIDIOC_STREAMON, &type) < 0)
      fail(errno == EBUSY ? "is busy: another program is capturing from it" : "cannot start streaming");
    if (format_ == V4L2_PIX_FMT_MJPEG) {
      const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
      dec_ = codec ? avcodec_alloc_context3(codec) : nullptr;
      if (!dec_ || avcodec_open2(dec_, codec, nullptr) < 0) fail("cannot open FFmpeg's MJPEG decoder");
      packet_ = av_packet_alloc();
      frame_ = av_frame_alloc();
    }
  }
  ~Camera() override { release(); }

  bool next(Frame& out) override {
    pollfd p{fd_, POLLIN, 0};
    const int r = poll(&p, 1, 2000);
    if (r == 0) fail("delivered no frame within 2 s");
    if (r < 0) fail(std::string("poll failed (") + std::strerror(errno) + ")");
    v4l2_buffer b{};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd_, VIDIOC_DQBUF, &b) < 0) fail("cannot dequeue a frame");
    const uint8_t* data = static_cast<const uint8_t*>(buffers_[b.index].first);
    bool ok = format_ == V4L2_PIX_FMT_MJPEG ? decodeMjpeg(data, b.bytesused, out) : convertYuyv(data, out);
    xioctl(fd_, VIDIOC_QBUF, &b);
    if (!ok) return next(out);  // a corrupt MJPEG frame is skipped, as cameras do produce them
    out.index = count_++;
    return true;
  }
  bool live() const override { return true; }
  std::string describe() const override {
    return "camera " + device_ + " (" + fourcc(format_) + " " + std::to_string(width_) + "x" + std::to_string(height_) + ")";
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    release();
    throw SourceError(device_ + ": " + why);
  }
  void release() {
    if (fd_ >= 0) {
      v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl(fd_, VIDIOC_STREAMOFF, &type);
      for (auto& [p, len] : buffers_) munmap(p, len);
      buffers_.clear();
      close(fd_);
      fd_ = -1;
    }
    if (sws_) sws_freeContext(sws_);
    sws_ = nullptr;
    if (frame_) av_frame_free(&frame_);
    if (packet_) av_packet_free(&packet_);
    if (dec_) avcodec_free_context(&dec_);
  }
  bool toRgba(const uint8_t* const src[], const int stride[], AVPixelFormat fmt, int w, int h, Frame& out) {
    if (!convertToRgba(sws_, src, stride, fmt, w, h, out.rgba)) return false;
    out.width = w;
    out.height = h;
    return true;
  }
  bool convertYuyv(const uint8_t* data, Frame& out) {
    const uint8_t* src[4] = {data, nullptr, nullptr, nullptr};
    const int stride[4] = {width_ * 2, 0, 0, 0};
    return toRgba(src, stride, AV_PIX_FMT_YUYV422, width_, height_, out);
  }
  bool decodeMjpeg(const uint8_t* data, uint32_t size, Frame& out) {
    packet_->data = const_cast<uint8_t*>(data);
    packet_->size = int(size);
    if (avcodec_send_packet(dec_, packet_) < 0 || avcodec_receive_frame(dec_, frame_) < 0) return false;
    return toRgba(frame_->data, frame_->linesize, AVPixelFormat(frame_->format), frame_->width, frame_->height, out);
  }

  std::string device_;
  int fd_ = -1;
  uint32_t format_ = 0;
  int width_ = 0, height_ = 0;
  std::vector<std::pair<void*, size_t>> buffers_;
  AVCodecContext* dec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwsContext* sws_ = nullptr;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> openCamera(const std::string& device, int width, int height, int fps) {
  return std::make_unique<Camera>(device, width, height, fps);
}
