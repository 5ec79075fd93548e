// The test runner: doctest, then the shared context is torn down and any validation message
// reported during teardown (objects leaked until device destruction) fails the run too.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "helpers.h"

int main(int argc, char** argv) {
  doctest::Context runner(argc, argv);
  const int result = runner.run();
  if (runner.shouldExit()) return result;
  const int teardownMessages = testing::shutdown();
  if (teardownMessages) {
    std::fprintf(stderr, "FAILED: %d validation message(s) while tearing down the test context\n", teardownMessages);
    return result ? result : 1;
  }
  return result;
}
