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
# Our code under the sanitizers: the doctest suite (every op, model, API and error path), the CLI,
# hardening, webcam and embedding cases, the fuzz replays, and the kernel variants. Not here: the
# install tests (they rebuild without sanitizers), the second driver and device profiles (the same
# code on other data; the normal run covers them), the LiteRT comparisons (the CLI on every model
# and photo: the normal run checks their numbers, unit runs every model under the sanitizers), the
# cold 512-bit tune (the driver's compile), and the shader-binary checks (external tools).
ctest --output-on-failure -R "^(unit|variants/cold-compile|cli/|hardening/|webcam/|sample/|fuzz/)"
