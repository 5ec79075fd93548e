// Plain replay driver (any compiler, no libFuzzer): runs a fuzz target once on every file named
// on the command line, or in the directories named. The regular test build uses it to replay the
// seed corpus and every past crash input as regression tests.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
size_t replay(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: %s does not exist\n", path.c_str());
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    size_t n = 0;
    if (DIR* d = opendir(path.c_str())) {
      while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') n += replay(path + "/" + e->d_name);
      closedir(d);
    }
    return n;
  }
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  size_t n = 0;
  for (int i = 1; i < argc; ++i) n += replay(argv[i]);
  std::printf("replayed %zu inputs without a crash\n", n);
  return n ? 0 : 1;
}
