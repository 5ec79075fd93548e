// mobilevk-webcam: real-time classification of a V4L2 camera, a video file or an image folder (or,
// by the model: detection, segmentation, pose estimation; tasks.h), in an SDL2 window with the
// top-5 (boxes, the class map blended, skeletons) and timings drawn over the frame, or headless with
// one line per frame. Uses only mobilevk's public API.
#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../common/stdout_status.h"
#include "mobilevk/context.h"
#include "mobilevk/error.h"
#include "mobilevk/labels.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "source.h"
#include "tasks.h"

using Clock = std::chrono::steady_clock;

namespace {

const char* kUsage =
    "usage: mobilevk-webcam (--camera DEVICE | --video FILE | --images DIR) [options]\n"
    "  --model PATH          model (repeat to switch with the m key); default: the Keras MobileNetV1 0.75\n"
    "                        in ../shared/models\n"
    "                        (a detector, e.g. ssd_mobilenet_v1_coco_quant_postprocess.tflite, draws boxes;\n"
    "                        a segmenter, deeplabv3_mnv2_pascal_quant.tflite, blends its class map; a pose\n"
    "                        estimator, posenet/*_decoder.tflite, draws skeletons)\n"
    "  --labels PATH         label file (default: labels/*_<classes>.txt near the model)\n"
    "  --threshold T         a detector's boxes, a pose estimator's poses scoring T or more (default 0.5)\n"
    "  --crop center|none    classify a centered square, or the whole frame resized (default none)\n"
    "  --size WxH --fps N    camera format request (default 640x480 at 30)\n"
    "  --device D            Vulkan device (index or name); --headless: no window; --json: JSON lines\n"
    "  --max-frames N        stop after N frames; --once: play an image folder once instead of looping\n"
    "  --font PATH           TrueType font for the overlay (default: DejaVuSans.ttf)\n"
    "  --tuning-cache FILE   kernel variants tuned for this device (mobilevk tune)\n"
    "  --precision P         fp32 (default), fp16, or auto (fp16 where the tuning cache measured it\n"
    "                        faster and as accurate: mobilevk tune --precision auto)\n"
    "  --input-range LO,HI   pixel 0..255 to LO..HI, for float models whose file does not record its\n"
    "                        normalization (e.g. 0,1 for the VWW float model)\n"
    "keys: q/Esc quit, space pause, c toggle crop, m next model\n";

struct Options {
  std::string camera, video, images, device, labels, font, tuningCache, precision = "fp32";
  bool hasInputRange = false;
  float inputLo = 0, inputHi = 0, threshold = 0.5f;
  std::string inputRange;
  std::vector<std::string> models;
  bool centerCrop = false, headless = false, json = false, once = false;
  int width = 640, height = 480, fps = 30;
  long maxFrames = -1;
};

struct UsageError {
  std::string what;
};

Options parse(int argc, char** argv) {
  Options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) throw UsageError{std::string(argv[i]) + " needs a value"};
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--camera") o.camera = value(i);
    else if (a == "--video") o.video = value(i);
    else if (a == "--images") o.images = value(i);
    else if (a == "--model") o.models.push_back(value(i));
    else if (a == "--labels") o.labels = value(i);
    else if (a == "--device") o.device = value(i);
    else if (a == "--font") o.font = value(i);
    else if (a == "--tuning-cache") o.tuningCache = value(i);
    else if (a == "--threshold") {
      const std::string t = value(i);
      char tail = 0;
      if (std::sscanf(t.c_str(), "%f%c", &o.threshold, &tail) != 1 || !(o.threshold >= 0.0f && o.threshold <= 1.0f))
        throw UsageError{"--threshold expects a score in [0, 1], got '" + t + "'"};
    }
    else if (a == "--input-range") {
      o.inputRange = value(i);
      char tail = 0;
      // The CLI's rule: finite, within +-1e6, LO < HI.
      if (std::sscanf(o.inputRange.c_str(), "%f,%f%c", &o.inputLo, &o.inputHi, &tail) != 2 || !std::isfinite(o.inputLo) ||
          !std::isfinite(o.inputHi) || std::fabs(o.inputLo) > 1e6f || std::fabs(o.inputHi) > 1e6f || !(o.inputHi > o.inputLo))
        throw UsageError{"--input-range expects LO,HI within +-1e6 with LO < HI (e.g. 0,1 or -1,1), got '" + o.inputRange + "'"};
      o.hasInputRange = true;
    }
    else if (a == "--precision") {
      o.precision = value(i);
      if (o.precision != "fp32" && o.precision != "fp16" && o.precision != "auto")
        throw UsageError{"--precision expects fp32, fp16 or auto, got '" + o.precision + "'"};
    }
    else if (a == "--headless") o.headless = true;
    else if (a == "--json") o.json = true;
    else if (a == "--once") o.once = true;
    else if (a == "--crop") {
      const std::string c = value(i);
      if (c != "center" && c != "none") throw UsageError{"--crop expects center or none, got '" + c + "'"};
      o.centerCrop = c == "center";
    } else if (a == "--size") {
      const std::string s = value(i);
      if (std::sscanf(s.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width <= 0 || o.height <= 0)
        throw UsageError{"--size expects WxH, got '" + s + "'"};
    } else if (a == "--fps") {
      o.fps = std::atoi(value(i).c_str());
      if (o.fps <= 0 || o.fps > 1000) throw UsageError{"--fps expects 1..1000"};
    } else if (a == "--max-frames") {
      o.maxFrames = std::atol(value(i).c_str());
      if (o.maxFrames <= 0) throw UsageError{"--max-frames expects a positive number"};
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      throw UsageError{"unknown option '" + a + "'"};
    }
  }
  const int sources = !o.camera.empty() + !o.video.empty() + !o.images.empty();
  if (sources != 1) throw UsageError{"give exactly one of --camera, --video, --images"};
  return o;
}

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

std::string defaultModel(const char* argv0) {
  const std::string rel = "shared/models/mobilenet_v1_0.75_224_keras";
  std::string exeDir = argv0;
  exeDir = exeDir.find('/') == std::string::npos ? "." : exeDir.substr(0, exeDir.find_last_of('/'));
  for (const std::string& base : {std::string(".."), exeDir + "/../../.."})
    if (exists(base + "/" + rel + "/model.json")) return base + "/" + rel;
  throw UsageError{"no --model given and the default " + rel + " was not found beside the repository"};
}

// One-slot hand-over between the capture thread and the inference loop. A live source overwrites
// a frame nobody took yet (dropping it, so the display stays live); a recorded one waits instead.
class Mailbox {
 public:
  explicit Mailbox(bool dropOld) : dropOld_(dropOld) {}
  bool put(Frame&& f) {
    std::unique_lock<std::mutex> lock(m_);
    if (!dropOld_) cv_.wait(lock, [&] { return !slot_ || closed_; });
    if (closed_) return false;
    if (slot_) ++dropped_;
    slot_ = std::move(f);
    cv_.notify_all();
    return true;
  }
  // Waits up to `timeout` for a frame; nullopt on timeout or when the source ended.
  std::optional<Frame> take(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait_for(lock, timeout, [&] { return slot_.has_value() || ended_; });
    if (!slot_) return std::nullopt;
    std::optional<Frame> f = std::move(slot_);
    slot_.reset();
    cv_.notify_all();
    return f;
  }
  void end(const std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    ended_ = true;
    error_ = error;
    cv_.notify_all();
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    cv_.notify_all();
  }
  bool ended() {
    std::lock_guard<std::mutex> lock(m_);
    return ended_ && !slot_;
  }
  std::string error() {
    std::lock_guard<std::mutex> lock(m_);
    return error_;
  }
  long dropped() {
    std::lock_guard<std::mutex> lock(m_);
    return dropped_;
  }

 private:
  bool dropOld_;
  std::mutex m_;
  std::condition_variable cv_;
  std::optional<Frame> slot_;
  bool ended_ = false, closed_ = false;
  std::string error_;
  long dropped_ = 0;
};

// The text of a tuning cache file (mobilevk tune); a cache for another device, stale or corrupt, is
// ignored by the library with a warning.
std::string readTuningCache(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream f(path, std::ios::binary);
  if (!f) throw mobilevk::Error("cannot read --tuning-cache " + path, mobilevk::ErrorCode::IO);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Every model is loaded (and its network built, its labels checked) at start, so that a bad one is
// named before the first frame rather than when `m` switches to it.
LoadedModel loadModel(mobilevk::Context& ctx, const std::string& path, const Options& o, const std::string& tuningCache) {
  LoadedModel c{path, mobilevk::Model::load(path), nullptr, {}};
  if (o.hasInputRange) {
    const float scale[3] = {(o.inputHi - o.inputLo) / 255.0f, (o.inputHi - o.inputLo) / 255.0f, (o.inputHi - o.inputLo) / 255.0f};
    const float offset[3] = {o.inputLo, o.inputLo, o.inputLo};
    c.model.setInputNormalization(scale, offset, "--input-range " + o.inputRange);
  }
  mobilevk::NetworkOptions options;
  options.tuningCache = tuningCache;
  options.precision = o.precision == "fp16" ? mobilevk::Precision::FP16 : mobilevk::Precision::FP32;
  if (o.precision == "auto") options.precisionPolicy = mobilevk::NetworkOptions::PrecisionPolicy::Auto;
  c.net = std::make_unique<mobilevk::Network>(ctx, c.model, options);
  // The same rule as `mobilevk classify`, `detect` and `segment`: a label file of another length is
  // refused. A pose estimator has none.
  if (const size_t count = labelCount(c.model)) c.labels = mobilevk::labelsForModel(o.labels, path, count);
  return c;
}

// A model name for the overlay: at most `width` characters, an ellipsis where it was cut.
std::string fitLabel(const std::string& label, size_t width) {
  return label.size() <= width ? label : label.substr(0, width - 3) + "...";
}

Frame centerCrop(const Frame& f) {
  const int side = std::min(f.width, f.height);
  Frame c;
  c.width = c.height = side;
  c.index = f.index;
  c.rgba.resize(size_t(side) * side * 4);
  const int x0 = (f.width - side) / 2, y0 = (f.height - side) / 2;
  for (int y = 0; y < side; ++y)
    std::memcpy(&c.rgba[size_t(y) * side * 4], &f.rgba[(size_t(y + y0) * f.width + x0) * 4], size_t(side) * 4);
  return c;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

// The window: the frame scaled to fit, and a text panel over its top-left corner.
class Window {
 public:
  explicit Window(const std::string& fontPath) {
    if (SDL_Init(SDL_INIT_VIDEO) != 0) throw std::runtime_error(std::string("SDL: ") + SDL_GetError());
    if (TTF_Init() != 0) throw std::runtime_error(std::string("SDL_ttf: ") + TTF_GetError());
    window_ = SDL_CreateWindow("mobilevk-webcam", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 800, 600,
                               SDL_WINDOW_RESIZABLE);
    if (!window_) throw std::runtime_error(std::string("cannot open a window: ") + SDL_GetError());
    renderer_ = SDL_CreateRenderer(window_, -1, 0);
    if (!renderer_) renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
    if (!renderer_) throw std::runtime_error(std::string("cannot create a renderer: ") + SDL_GetError());
    if (!fontPath.empty()) {
      font_ = TTF_OpenFont(fontPath.c_str(), 18);
      if (!font_) throw std::runtime_error("cannot open the font " + fontPath + ": " + TTF_GetError());
    }
    for (const char* f : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"})
      if (!font_) font_ = TTF_OpenFont(f, 18);
    if (!font_) throw std::runtime_error("no DejaVuSans.ttf font (on Debian: apt-get install fonts-dejavu-core)");
  }
  ~Window() {
    if (texture_) SDL_DestroyTexture(texture_);
    if (font_) TTF_CloseFont(font_);
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    TTF_Quit();
    SDL_Quit();
  }
  // `crop`: the square of the frame that was classified (center crop), outlined; null for the
  // whole frame. The panel sits inside the picture, never over the letterbox bars.
  void draw(const Frame& f, const std::vector<std::string>& lines, bool crop) {
    if (!texture_ || texW_ != f.width || texH_ != f.height) {
      if (texture_) SDL_DestroyTexture(texture_);
      texture_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STREAMING, f.width, f.height);
      texW_ = f.width;
      texH_ = f.height;
    }
    SDL_UpdateTexture(texture_, nullptr, f.rgba.data(), f.width * 4);
    int ww, wh;
    SDL_GetRendererOutputSize(renderer_, &ww, &wh);
    const double s = std::min(double(ww) / f.width, double(wh) / f.height);
    const SDL_Rect dst{int((ww - f.width * s) / 2), int((wh - f.height * s) / 2), int(f.width * s), int(f.height * s)};
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    SDL_RenderClear(renderer_);
    SDL_RenderCopy(renderer_, texture_, nullptr, &dst);
    if (crop) {
      const int side = int(std::min(f.width, f.height) * s);
      const SDL_Rect square{dst.x + (dst.w - side) / 2, dst.y + (dst.h - side) / 2, side, side};
      SDL_SetRenderDrawColor(renderer_, 255, 220, 0, 255);
      for (int t = 0; t < 2; ++t) {
        const SDL_Rect r{square.x + t, square.y + t, square.w - 2 * t, square.h - 2 * t};
        SDL_RenderDrawRect(renderer_, &r);
      }
    }
    // Panel: translucent black, white text, inside the picture.
    const int lineH = TTF_FontLineSkip(font_);
    SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 170);
    int textW = 0;
    for (const auto& l : lines) {
      int w = 0, h = 0;
      if (!l.empty() && TTF_SizeUTF8(font_, l.c_str(), &w, &h) == 0) textW = std::max(textW, w);
    }
    const SDL_Rect panel{dst.x + 8, dst.y + 8, std::max(0, std::min(textW + 16, dst.w - 16)),
                         std::max(0, std::min(lineH * int(lines.size()) + 12, dst.h - 16))};
    SDL_RenderFillRect(renderer_, &panel);
    SDL_RenderSetClipRect(renderer_, &panel);
    int y = panel.y + 6;
    for (const auto& l : lines) {
      if (!l.empty()) {
        SDL_Surface* surf = TTF_RenderUTF8_Blended(font_, l.c_str(), SDL_Color{255, 255, 255, 255});
        if (surf) {
          SDL_Texture* t = SDL_CreateTextureFromSurface(renderer_, surf);
          const SDL_Rect r{panel.x + 8, y, surf->w, surf->h};
          SDL_RenderCopy(renderer_, t, nullptr, &r);
          SDL_DestroyTexture(t);
          SDL_FreeSurface(surf);
        }
      }
      y += lineH;
    }
    SDL_RenderSetClipRect(renderer_, nullptr);
    SDL_RenderPresent(renderer_);
  }

 private:
  SDL_Window* window_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  SDL_Texture* texture_ = nullptr;
  TTF_Font* font_ = nullptr;
  int texW_ = 0, texH_ = 0;
};

int run(const Options& o, const char* argv0) {
  std::vector<std::string> models = o.models;
  if (models.empty()) models.push_back(defaultModel(argv0));

  std::unique_ptr<FrameSource> source;
  if (!o.camera.empty()) source = openCamera(o.camera, o.width, o.height, o.fps);
  else if (!o.video.empty()) source = openVideoFile(o.video);
  else source = openImageFolder(o.images, !o.once);

  mobilevk::ContextOptions co;
  const char* envDevice = std::getenv("MOBILEVK_DEVICE");
  co.device = o.device.empty() && envDevice ? envDevice : o.device;
  co.log = [](mobilevk::LogLevel level, const std::string& message) {
    if (level >= mobilevk::LogLevel::Warning) std::fprintf(stderr, "mobilevk-webcam: %s\n", message.c_str());
  };
  mobilevk::Context ctx(co);
  size_t modelIndex = 0;
  const std::string tuningCache = readTuningCache(o.tuningCache);
  std::vector<LoadedModel> classifiers;
  for (const std::string& path : models) {
    try {
      classifiers.push_back(loadModel(ctx, path, o, tuningCache));
    } catch (const mobilevk::Error& e) {
      throw mobilevk::Error(e.code(), "--model " + path + ": " + e.what());
    }
  }
  const auto describe = [&](const LoadedModel& c) {
    std::fprintf(stderr, "mobilevk-webcam: %s, model %s on %s, %s%s; input %s\n", source->describe().c_str(), c.model.name().c_str(),
                 ctx.device().name.c_str(),
                 c.net->integerExecution() ? "int8" : c.net->precision() == mobilevk::Precision::FP16 ? "fp16" : "fp32",
                 c.net->precisionReason().empty() ? "" : (" (precision auto: " + c.net->precisionReason() + ")").c_str(),
                 c.model.input().source.c_str());
  };
  if (!o.json) describe(classifiers[0]);

  // Capture runs ahead on its own thread: frame N+1 is captured while frame N is classified.
  Mailbox mailbox(source->live());
  std::atomic<bool> stop{false};
  std::thread capture;
  // Every way out of this function (an exception from the window, the model, a frame) stops and
  // joins the capture thread first: a joinable std::thread destroyed while unwinding aborts.
  struct CaptureJoiner {
    std::atomic<bool>& stop;
    Mailbox& mailbox;
    std::thread& thread;
    ~CaptureJoiner() {
      stop = true;
      mailbox.close();
      if (thread.joinable()) thread.join();
    }
  } joiner{stop, mailbox, capture};
  capture = std::thread([&] {
    try {
      Frame f;
      while (!stop && source->next(f))
        if (!mailbox.put(std::move(f))) break;
      mailbox.end("");
    } catch (const std::exception& e) {
      mailbox.end(e.what());
    }
  });

  std::unique_ptr<Window> window;
  if (!o.headless) window = std::make_unique<Window>(o.font);
  bool paused = false, centerCrop_ = o.centerCrop;
  TaskSettings settings;
  settings.threshold = o.threshold;
  std::vector<double> latencies;
  long frames = 0;
  const auto start = Clock::now();
  auto lastShown = start;
  double fps = 0;
  Frame shown;
  std::vector<std::string> overlay;  // the last frame's top-k lines
  double shownMs = 0;
  // The status line under the results: what runs, how fast, and what the keys last changed.
  const auto withStatus = [&](std::vector<std::string> lines, double ms) {
    char line[512];
    std::snprintf(line, sizeof line, "%sinference %.1f ms   %.1f FPS   %s", paused ? "PAUSED   " : "", ms, fps,
                  centerCrop_ ? "center crop" : "whole frame");
    lines.push_back(line);
    std::snprintf(line, sizeof line, "model %s (%zu/%zu, m: next)", fitLabel(classifiers[modelIndex].model.name(), 40).c_str(),
                  modelIndex + 1, classifiers.size());
    lines.push_back(line);
    return lines;
  };
  // An inference of `ms` has ended: its latency, and the frame rate smoothed over frames.
  const auto timed = [&](double ms) {
    const auto t1 = Clock::now();
    latencies.push_back(ms);
    const double sinceLast = std::chrono::duration<double>(t1 - lastShown).count();
    lastShown = t1;
    fps = frames == 0 ? 0 : (fps == 0 ? 1.0 / sinceLast : 0.9 * fps + 0.1 / sinceLast);
  };
  int status = 0;
  while (!stop) {
    if (window) {
      SDL_Event e;
      while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) stop = true;
        if (e.type == SDL_KEYDOWN) {
          switch (e.key.keysym.sym) {
            case SDLK_q:
            case SDLK_ESCAPE: stop = true; break;
            case SDLK_SPACE:
              paused = !paused;
              std::fprintf(stderr, "mobilevk-webcam: %s\n", paused ? "paused" : "running");
              break;
            case SDLK_c:
              centerCrop_ = !centerCrop_;
              std::fprintf(stderr, "mobilevk-webcam: classifying %s\n", centerCrop_ ? "the center crop (outlined)" : "the whole frame");
              break;
            case SDLK_m:
              if (classifiers.size() > 1) {
                modelIndex = (modelIndex + 1) % classifiers.size();
                describe(classifiers[modelIndex]);
              }
              break;
            default: break;
          }
        }
      }
      if (stop) break;
    }
    std::optional<Frame> frame = paused ? std::nullopt : mailbox.take(std::chrono::milliseconds(window ? 15 : 500));
    if (!frame) {
      if (mailbox.ended()) break;
      // Redrawn while no frame comes (paused, or between frames): the status line shows now.
      if (window && !shown.rgba.empty()) window->draw(shown, withStatus(overlay, shownMs), centerCrop_);
      continue;
    }
    const LoadedModel& cls = classifiers[modelIndex];
    const Frame input = centerCrop_ ? centerCrop(*frame) : *frame;
    // Boxes, masks and keypoints are normalized to the frame given (the crop, with --crop center):
    // drawn onto it. A classifier shows the whole frame, the classified square outlined.
    const bool onInput = drawsOnInput(cls.model);
    Frame drawn = window && onInput ? input : Frame{};
    const FrameResult result = runTask(cls, input, settings, window && onInput ? &drawn : nullptr);
    timed(result.inferMs);
    if (o.headless) {
      if (o.json) {
        nlohmann::json line{{"frame", frames}, {"index", frame->index}, {"model", cls.model.name()}};
        line.update(result.fields);
        line["infer_ms"] = result.inferMs;
        std::printf("%s\n", line.dump().c_str());
      } else {
        std::printf("frame %ld (source %lld): %s  infer %.1f ms\n", frames, (long long)frame->index, result.text.c_str(), result.inferMs);
      }
      // The reader went away or the disk is full: stop now rather than run on for nobody.
      if (const int failed = samples::stdoutStatus(0, "mobilevk-webcam")) return failed;
    } else {
      overlay = result.overlay;
      shown = onInput ? std::move(drawn) : *frame;
      shownMs = result.inferMs;
      window->draw(shown, withStatus(overlay, shownMs), centerCrop_ && !onInput);
    }
    ++frames;
    if (o.maxFrames > 0 && frames >= o.maxFrames) break;
  }
  stop = true;
  mailbox.close();
  capture.join();
  const std::string error = mailbox.error();
  if (!error.empty()) {
    std::fprintf(stderr, "mobilevk-webcam: error: %s\n", error.c_str());
    status = 1;
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const double mean = latencies.empty() ? 0 : std::accumulate(latencies.begin(), latencies.end(), 0.0) / double(latencies.size());
  if (o.json)
    std::printf("%s\n", nlohmann::json{{"summary",
                                         {{"frames", frames},
                                          {"dropped", mailbox.dropped()},
                                          {"latency_ms", {{"mean", mean}, {"p50", percentile(latencies, 0.5)}, {"p99", percentile(latencies, 0.99)}}},
                                          {"fps", frames / wall}}}}
                              .dump()
                              .c_str());
  else
    std::printf("summary: %ld frames, %ld dropped, latency mean %.1f ms, p50 %.1f ms, p99 %.1f ms, %.2f FPS\n", frames,
                mailbox.dropped(), mean, percentile(latencies, 0.5), percentile(latencies, 0.99), frames / wall);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // A parent that ignores SIGPIPE would otherwise leave the loop writing into a closed pipe forever.
  samples::restoreSigpipe();
  try {
    return samples::stdoutStatus(run(parse(argc, argv), argv[0]), "mobilevk-webcam");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mobilevk-webcam: %s\n%s", e.what.c_str(), kUsage);
    return 2;
  } catch (const SourceError& e) {
    std::fprintf(stderr, "mobilevk-webcam: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mobilevk-webcam: error: %s\n", e.what());
    return 1;
  }
}
