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
# Everything except the install tests, which rebuild the whole project without sanitizers, and the
# second-driver runs (the normal run covers Mesa 25; here the system's driver is the one checked).
ctest --output-on-failure -E "^install/|^mesa25/|^profile/"
