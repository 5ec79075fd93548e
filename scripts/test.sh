#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with the Khronos
# validation layer on (lavapipe where there is no GPU), the GPU suite also on Mesa 25's lavapipe.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/fetch-mesa25.sh  # the second Vulkan driver of the mesa25/ tests
cd build
# Two at a time: the driver's shader compiles and the CPU reference are single-threaded, so two
# tests share the 2 cores of a CI machine better than one (each test's own limits allow for it).
ctest --output-on-failure -j2 "$@"
