#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/error.h"

namespace {
void usage(std::ostream& os) {
  os << "usage: mobilevk <command> [options]\n\n"
        "commands:\n"
        "  classify --model PATH [--labels PATH] [--top K] [--device gpu|cpu|INDEX|NAME] [--batch]\n"
        "           [--precision fp32|fp16] [--pipeline-cache FILE]\n"
        "           [--json] [--save-output FILE.npy [--overwrite]] [--input-range LO,HI]\n"
        "           (IMAGE... | --input-npy FILE.npy)\n"
        "                      classify photos (JPEG, PNG, BMP) on the GPU, or on the CPU reference path\n"
        "  compare --model PATH [--device D] [--tolerance T] (IMAGE... | --input-npy FILE)\n"
        "                      run GPU and CPU reference side by side; per-layer differences\n"
        "  bench [--model PATH | --alpha A --resolution R] [--batch N] [--iterations K] [--warmup W]\n"
        "        [--device D] [--precision fp32|fp16] [--per-layer] [--json] [--pipeline-cache FILE]\n"
        "                      time replays of the recorded network: GPU timestamps, host end-to-end\n"
        "  bench --peak [--device D] [--json]\n"
        "                      the device's measured FMA rate and memory bandwidth\n"
        "  summary [--alpha A] [--resolution R] [--classes N] [--model PATH] [--json]\n"
        "                      per-layer table: shapes, mult-adds, parameters\n"
        "  devices [--json]    list Vulkan devices and their compute capabilities\n\n"
        "environment: MOBILEVK_DEVICE picks the device (index or name substring),\n"
        "             MOBILEVK_VALIDATION=1 turns on the Khronos validation layer\n";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "devices") return cmdDevices(args);
    if (cmd == "summary") return cmdSummary(args);
    if (cmd == "classify") return cmdClassify(args);
    if (cmd == "compare") return cmdCompare(args);
    if (cmd == "bench") return cmdBench(args);
    std::cerr << "mobilevk: unknown command '" << cmd << "'\n";
    usage(std::cerr);
    return 2;
  } catch (const cli::UsageError& e) {
    std::cerr << "mobilevk " << cmd << ": " << e.message << " (see mobilevk --help)\n";
    return 2;
  } catch (const mobilevk::Error& e) {
    std::cerr << "mobilevk " << cmd << ": error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "mobilevk " << cmd << ": unexpected error: " << e.what() << "\n";
    return 1;
  }
}
