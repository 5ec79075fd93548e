#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with the Khronos
# validation layer on (lavapipe where there is no GPU), the GPU suite also on Mesa 25's lavapipe.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/fetch-mesa25.sh  # the second Vulkan driver of the mesa25/ tests
cd build
ctest --output-on-failure "$@"
