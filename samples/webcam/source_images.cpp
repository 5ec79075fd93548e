#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "mobilevk/error.h"
#include "mobilevk/image.h"
#include "source.h"

namespace {

class ImageFolder : public FrameSource {
 public:
  ImageFolder(std::string dir, bool loop) : dir_(std::move(dir)), loop_(loop) {
    DIR* d = opendir(dir_.c_str());
    if (!d) throw SourceError(dir_ + ": cannot open image folder (" + std::strerror(errno) + ")");
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      for (const char* ext : {".jpg", ".jpeg", ".png", ".bmp"}) {
        const size_t n = std::strlen(ext);
        if (lower.size() > n && lower.compare(lower.size() - n, n, ext) == 0) files_.push_back(dir_ + "/" + name);
      }
    }
    closedir(d);
    std::sort(files_.begin(), files_.end());
    if (files_.empty()) throw SourceError(dir_ + ": no JPEG, PNG or BMP images in this folder");
  }

  // An unreadable file (corrupt, truncated, a FIFO or device with an image's name) is reported on
  // stderr and skipped; only a whole pass over the folder without one readable image is an error.
  bool next(Frame& out) override {
    mobilevk::Image img;
    for (size_t failedInARow = 0;; ++failedInARow) {
      if (failedInARow == files_.size())
        throw SourceError(dir_ + ": none of its " + std::to_string(files_.size()) + " image files could be read");
      if (pos_ >= files_.size()) {
        if (!loop_) return false;
        pos_ = 0;
      }
      const std::string& path = files_[pos_++];
      try {
        img = mobilevk::loadImage(path);
        break;
      } catch (const mobilevk::Error& e) {
        std::fprintf(stderr, "mobilevk-webcam: skipping %s\n", e.what());
      }
    }
    out.width = img.width;
    out.height = img.height;
    out.rgba.assign(size_t(img.width) * img.height * 4, 255);
    for (size_t i = 0; i < size_t(img.width) * img.height; ++i) std::memcpy(&out.rgba[i * 4], &img.rgb[i * 3], 3);
    out.index = count_++;
    return true;
  }
  bool live() const override { return false; }
  std::string describe() const override { return "image folder " + dir_ + " (" + std::to_string(files_.size()) + " images)"; }

 private:
  std::string dir_;
  bool loop_;
  std::vector<std::string> files_;
  size_t pos_ = 0;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> openImageFolder(const std::string& dir, bool loop) {
  return std::make_unique<ImageFolder>(dir, loop);
}
