#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "mobilevk/error.h"

namespace {
void usage(std::ostream& os) {
  os << "usage: mobilevk <command> [options]\n\n"
        "commands:\n"
        "  devices [--json]   list Vulkan devices and their compute capabilities\n\n"
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
    std::cerr << "mobilevk: unknown command '" << cmd << "'\n";
    usage(std::cerr);
    return 2;
  } catch (const mobilevk::Error& e) {
    std::cerr << "mobilevk " << cmd << ": error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "mobilevk " << cmd << ": unexpected error: " << e.what() << "\n";
    return 1;
  }
}
