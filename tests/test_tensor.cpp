#include <doctest/doctest.h>

#include <random>

#include "helpers.h"
#include "mobilevk/error.h"
#include "graph/params.h"

using namespace mobilevk;

TEST_CASE("NC4HW4 packing round-trips and zero-fills padding lanes") {
  std::mt19937 rng(42);
  for (const Shape s : {Shape{1, 1, 1, 1}, Shape{2, 3, 5, 7}, Shape{3, 4, 4, 8}, Shape{1, 2, 3, 1001}}) {
    const HostTensor t = testing::randomTensor(s, rng);
    const auto packed = packNC4HW4(t);
    REQUIRE(packed.size() == s.packedElements());
    CHECK(unpackNC4HW4(packed, s).data == t.data);
    // Element (n, y, x, c) sits at ((n*C4 + c/4)*H + y)*W + x vec4s, lane c%4.
    const int c4 = s.channelGroups();
    const int n = s.n - 1, y = s.h - 1, x = s.w - 1, c = s.c - 1;
    CHECK(packed[((size_t(n * c4 + c / 4) * s.h + y) * s.w + x) * 4 + c % 4] == t.at(n, y, x, c));
    size_t nonzeroPadding = 0;
    for (int pn = 0; pn < s.n; ++pn)
      for (size_t p = 0; p < size_t(s.h) * s.w; ++p)
        for (int lane = s.c % 4 ? s.c % 4 : 4; lane < 4; ++lane)
          nonzeroPadding += packed[((size_t(pn) * c4 + c4 - 1) * s.h * s.w + p) * 4 + lane] != 0.0f;
    CHECK(nonzeroPadding == 0);
  }
  CHECK_THROWS_AS(unpackNC4HW4(std::vector<float>(3), Shape{1, 1, 1, 5}), Error);
}

TEST_CASE("window geometry: TF SAME is asymmetric at stride 2, explicit padding is as given") {
  auto g = resolveWindow("t", {1, 224, 224, 3}, {3, 3, 2, 2, Padding::same()});
  CHECK(g.outH == 112);
  CHECK(g.outW == 112);
  CHECK(g.padTop == 0);
  CHECK(g.padBottom == 1);
  CHECK(g.padLeft == 0);
  CHECK(g.padRight == 1);

  g = resolveWindow("t", {1, 112, 112, 32}, {3, 3, 1, 1, Padding::same()});
  CHECK(g.outH == 112);
  CHECK(g.padTop == 1);
  CHECK(g.padBottom == 1);

  g = resolveWindow("t", {1, 15, 15, 8}, {3, 3, 2, 2, Padding::same()});  // odd input at stride 2
  CHECK(g.outH == 8);
  CHECK(g.padTop == 1);
  CHECK(g.padBottom == 1);

  g = resolveWindow("t", {1, 7, 9, 8}, {3, 3, 1, 1, Padding::valid()});
  CHECK(g.outH == 5);
  CHECK(g.outW == 7);

  g = resolveWindow("t", {1, 7, 7, 8}, {3, 3, 2, 2, Padding::symmetric(1)});  // PyTorch-style
  CHECK(g.outH == 4);
  CHECK(g.padTop == 1);

  CHECK_THROWS_AS(resolveWindow("t", {1, 2, 2, 1}, {3, 3, 1, 1, Padding::valid()}), Error);
  CHECK_THROWS_AS(resolveWindow("t", {1, 8, 8, 1}, {3, 3, 0, 1, Padding::valid()}), Error);
  CHECK_THROWS_AS(resolveWindow("t", {1, 8, 8, 1}, {3, 3, 1, 1, Padding::symmetric(3)}), Error);
  CHECK_THROWS_AS(resolveWindow("t", {1, -1, 8, 1}, {3, 3, 1, 1, Padding::same()}), Error);
}
