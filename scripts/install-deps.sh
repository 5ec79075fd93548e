#!/usr/bin/env bash
# Installs the Debian 12 packages mobilevk builds and tests with, skipping those already present.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  glslc libshaderc-dev glslang-tools glslang-dev spirv-tools
  doctest-dev libstb-dev nlohmann-json3-dev libflatbuffers-dev flatbuffers-compiler
  # webcam sample: window, text, video and camera decoding; its tests: video generation, a virtual
  # X server, screenshots and key presses
  libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  ffmpeg xvfb x11-utils xdotool imagemagick python3
  # fuzzing (libFuzzer) and sanitizer builds
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The LiteRT oracle of the integer tests runs under Node: Debian's when no Node is installed yet.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LiteRT (npm @litertjs/core, the version pinned in tests/litert/package-lock.json), once.
litert="$(dirname "$0")/../tests/litert"
if [ ! -f "$litert/node_modules/@litertjs/core/package.json" ] ||
   [ "$litert/package-lock.json" -nt "$litert/node_modules/.package-lock.json" ]; then
  echo "installing LiteRT for the integer tests (npm ci in tests/litert)"
  (cd "$litert" && npm ci --no-audit --no-fund --loglevel=error)
fi
