// Video files through FFmpeg's libraries: demux (libavformat), decode (libavcodec), convert to
// RGBA8 (libswscale).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include "ffmpeg_rgba.h"
#include "source.h"

namespace {

std::string avError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

class VideoFile : public FrameSource {
 public:
  explicit VideoFile(std::string path) : path_(std::move(path)) {
    av_log_set_level(AV_LOG_ERROR);  // errors still reach us as return codes with messages
    int r = avformat_open_input(&fmt_, path_.c_str(), nullptr, nullptr);
    if (r < 0) throw SourceError(path_ + ": cannot open video (" + avError(r) + ")");
    r = avformat_find_stream_info(fmt_, nullptr);
    if (r < 0) fail("cannot read stream information (" + avError(r) + ")");
    stream_ = av_find_best_stream(fmt_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (stream_ < 0) fail("no video stream");
    const AVCodecParameters* par = fmt_->streams[stream_]->codecpar;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec) fail(std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
    dec_ = avcodec_alloc_context3(codec);
    if (!dec_ || avcodec_parameters_to_context(dec_, par) < 0) fail("cannot set up the decoder");
    r = avcodec_open2(dec_, codec, nullptr);
    if (r < 0) fail("cannot open the decoder (" + avError(r) + ")");
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
  }
  ~VideoFile() override { release(); }

  bool next(Frame& out) override {
    while (true) {
      int r = avcodec_receive_frame(dec_, frame_);
      if (r == 0) return convert(out);
      if (r == AVERROR_EOF) return false;
      if (r != AVERROR(EAGAIN)) fail("decoding failed (" + avError(r) + ")");
      if (flushed_) return false;
      r = av_read_frame(fmt_, packet_);
      if (r == AVERROR_EOF) {
        avcodec_send_packet(dec_, nullptr);  // drain
        flushed_ = true;
        continue;
      }
      if (r < 0) fail("reading failed (" + avError(r) + ")");
      if (packet_->stream_index == stream_) {
        r = avcodec_send_packet(dec_, packet_);
        if (r < 0 && r != AVERROR(EAGAIN)) {
          av_packet_unref(packet_);
          fail("corrupt video data at packet " + std::to_string(packets_) + " (" + avError(r) + ")");
        }
        ++packets_;
      }
      av_packet_unref(packet_);
    }
  }
  bool live() const override { return false; }
  std::string describe() const override {
    return "video " + path_ + " (" + avcodec_get_name(dec_->codec_id) + ", " + std::to_string(dec_->width) + "x" +
           std::to_string(dec_->height) + ")";
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    release();
    throw SourceError(path_ + ": " + why);
  }
  void release() {
    if (sws_) sws_freeContext(sws_);
    if (frame_) av_frame_free(&frame_);
    if (packet_) av_packet_free(&packet_);
    if (dec_) avcodec_free_context(&dec_);
    if (fmt_) avformat_close_input(&fmt_);
    sws_ = nullptr;
  }
  bool convert(Frame& out) {
    if (frame_->width <= 0 || frame_->height <= 0) fail("decoded an empty frame");
    if (!convertToRgba(sws_, frame_->data, frame_->linesize, AVPixelFormat(frame_->format), frame_->width,
                       frame_->height, out.rgba))
      fail("cannot convert its pixel format to RGBA");
    out.width = frame_->width;
    out.height = frame_->height;
    out.index = decoded_++;
    return true;
  }

  std::string path_;
  AVFormatContext* fmt_ = nullptr;
  AVCodecContext* dec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwsContext* sws_ = nullptr;
  int stream_ = -1;
  bool flushed_ = false;
  int64_t packets_ = 0, decoded_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> openVideoFile(const std::string& path) { return std::make_unique<VideoFile>(path); }
