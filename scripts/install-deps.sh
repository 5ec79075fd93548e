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
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
