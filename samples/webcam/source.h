#pragma once
// Frame sources for the webcam classifier: a V4L2 camera, a video file (FFmpeg), or a folder of
// images (looping). Every source yields RGBA8 frames; the same pipeline sits behind all three.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Frame {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // tightly packed rows
  int64_t index = 0;          // position in the source's stream
};

// Thrown for any source problem; the message names the device or file and what went wrong.
struct SourceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Fills `out` with the next frame; false at the end of a finite source.
  virtual bool next(Frame& out) = 0;
  // Live sources drop frames when inference is slower than capture; recorded ones never do.
  virtual bool live() const = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<FrameSource> openImageFolder(const std::string& dir, bool loop);
std::unique_ptr<FrameSource> openVideoFile(const std::string& path);
std::unique_ptr<FrameSource> openCamera(const std::string& device, int width, int height, int fps);
