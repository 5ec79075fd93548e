#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/error.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&);
  const char* help;
};

const Command kCommands[] = {
    {"classify", cmdClassify,
     "  classify --model PATH [--labels PATH] [--top K] [--device gpu|cpu|INDEX|NAME] [--batch]\n"
     "           [--precision fp32|fp16|auto] [--execution auto|float|integer] [--dot-product auto|packed|plain]\n"
     "           [--tuning-cache FILE] [--device-profile NAME|FILE] [--pipeline-cache FILE]\n"
     "           [--json] [--save-output FILE.npy] [--save-input FILE.npy] [--overwrite] [--input-range LO,HI]\n"
     "           (IMAGE... | --input-npy FILE.npy)\n"
     "                      classify photos (JPEG, PNG, BMP) on the GPU, or on the CPU reference path;\n"
     "                      every readable image is classified, each unreadable one reported (exit 1);\n"
     "                      --input-npy takes float32 model input, or a quantized model's own input\n"
     "                      integers (uint8/int8, as --save-input writes them)\n"},
    {"detect", cmdDetect,
     "  detect --model PATH [--threshold T] [--labels PATH] [--draw OUT.png] [--device gpu|cpu|INDEX|NAME]\n"
     "         [--execution auto|float|integer] [--precision P] [--dot-product D] [--tuning-cache FILE]\n"
     "         [--json] [--save-output FILE.npy] [--save-input FILE.npy] [--overwrite] (IMAGE... | --input-npy FILE.npy)\n"
     "                      detect objects with an SSD model (TFLite_Detection_PostProcess): class, score and\n"
     "                      box (ymin, xmin, ymax, xmax, normalized) of those scoring T (0.5) or more; --json\n"
     "                      prints one object per image; --draw writes the image with labelled boxes;\n"
     "                      --save-output the four raw outputs (boxes, classes, scores, count) per image\n"},
    {"segment", cmdSegment,
     "  segment --model PATH [--labels PATH] [--draw OUT.png] [--alpha A] [--device gpu|cpu|INDEX|NAME]\n"
     "          [--execution auto|float|integer] [--precision P] [--dot-product D] [--tuning-cache FILE]\n"
     "          [--json] [--save-output FILE.npy] [--save-input FILE.npy] [--overwrite] (IMAGE... | --input-npy FILE.npy)\n"
     "                      segment photos with a model ending in ARG_MAX (DeepLabV3): the share of the image\n"
     "                      each class covers; --draw writes the image with each class's colour blended in\n"
     "                      (weight A, 0.5; the background class 0 left as it is); --save-output the class\n"
     "                      maps as int32 [N, H, W]\n"},
    {"pose", cmdPose,
     "  pose --model PATH [--threshold T] [--keypoint-threshold K] [--draw OUT.png] [--device gpu|cpu|INDEX|NAME]\n"
     "       [--execution auto|float|integer] [--precision P] [--dot-product D] [--tuning-cache FILE]\n"
     "       [--json] [--save-output FILE.npy] [--save-input FILE.npy] [--overwrite] (IMAGE... | --input-npy FILE.npy)\n"
     "                      estimate body poses with a PoseNet model (PosenetDecoderOp): each pose scoring T (0)\n"
     "                      or more, best first, with its 17 keypoints (name, score, x, y in image pixels);\n"
     "                      --draw writes the image with each pose's skeleton through the keypoints scoring\n"
     "                      K (0.5) or more; --save-output the four raw outputs per image\n"},
    {"compare", cmdCompare,
     "  compare --model PATH [--device D] [--tolerance T] (IMAGE... | --input-npy FILE)\n"
     "                      run GPU and CPU reference side by side; per-layer differences\n"},
    {"bench", cmdBench,
     "  bench [--model PATH | --architecture mobilenet_v1|mobilenet_v2 --alpha A --resolution R] [--batch N] [--iterations K] [--warmup W]\n"
     "        [--device D] [--precision fp32|fp16|auto] [--per-layer] [--json] [--pipeline-cache FILE]\n"
     "        [--tuning-cache FILE] [--execution E] [--dot-product D] [--device-profile P]\n"
     "                      time replays of the recorded network: GPU timestamps, host end-to-end\n"
     "  bench --peak [--device D] [--json]\n"
     "                      the device's measured FMA rate and memory bandwidth\n"},
    {"tune", cmdTune,
     "  tune [--model PATH | --architecture mobilenet_v1|mobilenet_v2 --alpha A --resolution R] [--batch N] [--precision fp32|fp16|auto] [--iterations K]\n"
     "       [--device D] [--json] --tuning-cache FILE [--overwrite] [PHOTO... with --precision auto]\n"
     "       [--input-range LO,HI] [--execution E] [--dot-product D] [--device-profile P] [--pipeline-cache FILE]\n"
     "                      time every kernel variant on each layer; write the fastest per layer shape\n"
     "                      (classify and bench read it with --tuning-cache FILE); --precision auto also\n"
     "                      tunes fp16 and records it for this model where it is faster and keeps top-1\n"
     "                      and max |dprob| <= 0.01 against fp32 on the photos (--precision auto then\n"
     "                      in classify, bench and webcam runs it)\n"},
    {"summary", cmdSummary,
     "  summary [--architecture mobilenet_v1|mobilenet_v2] [--alpha A] [--resolution R] [--classes N] [--model PATH] [--json]\n"
     "                      per-layer table: shapes, mult-adds, parameters\n"},
    {"devices", cmdDevices,
     "  devices [--json]    list Vulkan devices and their compute capabilities, and the built-in device profiles\n"
     "  devices --device-profile NAME|FILE [--device D] [--json]\n"
     "                      what mobilevk believes of the device under that profile (limits clamped)\n"},
};

const char* kEnvironment =
    "\nenvironment: MOBILEVK_DEVICE picks the device (index or name substring),\n"
    "             MOBILEVK_VALIDATION=1 turns on the Khronos validation layer,\n"
    "             MOBILEVK_DEVICE_PROFILE clamps the device to a profile (as --device-profile)\n"
    "classify, compare, bench and tune take --device-profile NAME|FILE: run as if on that (mobile) GPU,\n"
    "every limit and feature the smaller of the profile's and the device's (`devices` lists the names).\n"
    "--pipeline-cache FILE keeps mobilevk's own cache format: an existing file that is not one is refused.\n"
    "classify, compare and bench also take --execution auto|float|integer (auto: a quantized file's own\n"
    "integer arithmetic, as TFLite runs it) and --dot-product auto|packed|plain (integer execution's\n"
    "inner product: packed 4x8-bit dot products, VK_KHR_shader_integer_dot_product, or spelled out;\n"
    "auto: packed where the device has them).\n";

void usage(std::ostream& os) {
  os << "usage: mobilevk <command> [options]\n\ncommands:\n";
  for (const auto& c : kCommands) os << c.help;
  os << kEnvironment;
}

// Output that did not reach its destination (a full disk, a closed pipe) must not end in exit 0.
// A reader that went away (EPIPE, with SIGPIPE ignored by our parent) ends the program quietly
// with the status a SIGPIPE death would have given.
int checkStdout(int status, const std::string& cmd) {
  std::cout.flush();
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && std::cout.good()) return status;
  if (errno == EPIPE) return 128 + SIGPIPE;
  std::fprintf(stderr, "mobilevk %s: error: writing the output failed (%s)\n", cmd.c_str(),
               errno ? std::strerror(errno) : "stream error");
  return status == 0 ? 1 : status;
}

int runCommand(const std::string& cmd, const std::vector<std::string>& args) {
  for (const auto& c : kCommands) {
    if (cmd != c.name) continue;
    for (const auto& a : args)
      if (a == "--help" || a == "-h") {
        std::cout << "usage: mobilevk " << c.name << " [options]\n" << c.help;
        return 0;
      }
    return c.run(args);
  }
  std::cerr << "mobilevk: unknown command '" << cmd << "'\n";
  usage(std::cerr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // A parent that ignores SIGPIPE would otherwise leave us writing into a closed pipe.
  std::signal(SIGPIPE, SIG_DFL);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return checkStdout(argc < 2 ? 2 : 0, "");
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  int status = 1;
  try {
    status = runCommand(cmd, args);
  } catch (const cli::UsageError& e) {
    std::cerr << "mobilevk " << cmd << ": " << e.message << " (see mobilevk " << cmd << " --help)\n";
    status = 2;
  } catch (const mobilevk::Error& e) {
    std::cerr << "mobilevk " << cmd << ": error: " << e.what() << "\n";
    status = 1;
  } catch (const std::exception& e) {
    std::cerr << "mobilevk " << cmd << ": unexpected error: " << e.what() << "\n";
    status = 1;
  }
  return checkStdout(status, cmd);
}
