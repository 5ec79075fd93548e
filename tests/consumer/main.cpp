// Classifies one photo through the C++ API: consumer_cpp MODEL IMAGE [RGBA_OUT]
// With RGBA_OUT it also writes the decoded photo as raw RGBA8 (for the C consumer) and prints its size.
#include <mobilevk/mobilevk.hpp>  // the umbrella header: the whole public C++ API

#include <algorithm>
#include <cstdio>
#include <fstream>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  mobilevk::Context ctx;
  const mobilevk::Model model = mobilevk::Model::load(argv[1]);
  mobilevk::Network net(ctx, model);
  const mobilevk::Image image = mobilevk::loadImage(argv[2]);
  const auto probs = net.run(mobilevk::imagesToTensor({image}, model.input())).data;
  const auto top = std::max_element(probs.begin(), probs.end()) - probs.begin();
  std::printf("cpp top-1: %d %.4f\n", int(top), probs[size_t(top)]);
  if (argc > 3) {
    std::ofstream out(argv[3], std::ios::binary);
    for (size_t i = 0; i < size_t(image.width) * image.height; ++i) {
      out.write(reinterpret_cast<const char*>(&image.rgb[i * 3]), 3);
      out.put(char(255));
    }
    std::printf("size %d %d\n", image.width, image.height);
  }
  return 0;
}
