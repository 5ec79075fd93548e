#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with the Khronos
# validation layer on (lavapipe where there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure "$@"
