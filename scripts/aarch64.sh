#!/usr/bin/env bash
# The aarch64 (64-bit ARM) job: cross-compiles the library, CLI and tests for arm64 with Debian's
# cross toolchain (shaders still compiled by the host's glslc), then runs the aarch64/ subset of
# tests/CMakeLists.txt under qemu-user with the arm64 lavapipe, validation layer on. Installs what
# is missing (adds the arm64 architecture to dpkg); needs root or sudo then. Build in build-aarch64/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
packages=(qemu-user-static crossbuild-essential-arm64 libc6:arm64 libvulkan-dev:arm64 mesa-vulkan-drivers:arm64
          vulkan-validationlayers:arm64 libflatbuffers-dev:arm64 libstb-dev:arm64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-aarch64 -j2 --target mobilevk_cli mobilevk_tests
cd build-aarch64
ctest --output-on-failure -R '^aarch64/' "$@"
echo "aarch64 job: $(( $(date +%s) - start )) s"
