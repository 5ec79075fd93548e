#!/usr/bin/env bash
# The test suite built with AddressSanitizer + UndefinedBehaviorSanitizer (gcc), run with
# LeakSanitizer on (leaks inside the Vulkan driver stack suppressed: tests/lsan.supp) and the
# validation layer on, as in the normal run. Any sanitizer report fails it.
#   bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
CFLAGS="$flags" CXXFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOBILEVK_KEEP_LIBRARIES_LOADED=ON >/dev/null
cmake --build build-asan -j2
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
# Our code under the sanitizers: the doctest suite (every op, model, API and error path; its tuner
# cases run every kernel variant), the CLI, hardening, webcam and embedding cases, and the fuzz
# replays. Not here: the install tests (they rebuild without sanitizers), the second driver and
# device profiles (the same code on other data; the normal run covers them), the LiteRT
# comparisons (the CLI on every model and photo: the normal run checks their numbers, unit runs
# every model under the sanitizers), the cold-compile variant runs (minutes of the driver's own
# compiling, not our code), and the shader-binary checks (external tools).
ctest --output-on-failure -R "^(unit|cli/|hardening/|webcam/|sample/|fuzz/)"
# The kernel-variant cases (left out of unit for variants/cold-compile), under the sanitizers with
# the shader cache on: the tuner cases above compiled their pipelines already.
MOBILEVK_VALIDATION=1 MOBILEVK_SYNC_VALIDATION=1 bin/mobilevk_tests "-tc=every kernel variant*,DepthwisePointwiseConv*,integer GPU ops equal*"
