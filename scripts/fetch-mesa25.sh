#!/usr/bin/env bash
# The second Vulkan driver the tests run on: Mesa 25.0's lavapipe from Debian's bookworm-backports,
# fetched with apt and unpacked into build/mesa25 (dpkg -x), never installed over the system's Mesa.
# Writes build/mesa25/lvp_icd.json; a test selects the driver with
#   VK_DRIVER_FILES=build/mesa25/lvp_icd.json LD_LIBRARY_PATH=build/mesa25/root/usr/lib/<multiarch>
# (the backports libdrm it needs sits beside it). Adds the backports suite to apt's sources if it is
# missing (backports are never chosen for upgrades unless asked for by name). Needs root or sudo then.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="$(pwd)/build/mesa25"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)"
lib="$dest/root/usr/lib/$multiarch/libvulkan_lvp.so"
[ -f "$dest/lvp_icd.json" ] && [ -f "$lib" ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to add bookworm-backports to apt's sources" >&2; exit 1; }
  sudo=sudo
fi
packages=(mesa-vulkan-drivers libdrm2 libdrm-amdgpu1)
if ! apt-cache policy mesa-vulkan-drivers 2>/dev/null | grep -q "bookworm-backports"; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "adding bookworm-backports to apt's sources (for Mesa 25.0's lavapipe, unpacked under build/)"
    printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: bookworm-backports" "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
      $sudo tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  $sudo apt-get update -qq
fi
rm -rf "$dest"
mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "${packages[@]/%//bookworm-backports}")
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$dest/root"; done
[ -f "$lib" ] || { echo "error: $lib missing after unpacking ${packages[*]}" >&2; exit 1; }
api="$(sed -n 's/.*"api_version": *"\([0-9.]*\)".*/\1/p' "$dest/root/usr/share/vulkan/icd.d/lvp_icd.json")"
printf '{"file_format_version": "1.0.1", "ICD": {"library_path": "%s", "api_version": "%s"}}\n' "$lib" "$api" \
  > "$dest/lvp_icd.json"
echo "Mesa lavapipe $(dpkg-deb -f "$dest"/debs/mesa-vulkan-drivers_*.deb Version) unpacked into $dest"
