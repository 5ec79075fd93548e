#!/usr/bin/env bash
# Runs a command with the second Vulkan driver, Mesa 25's lavapipe unpacked by
# scripts/fetch-mesa25.sh, as the only driver the loader sees. Fails, saying why, when that driver
# is missing or the device the command would get is not Mesa 25 or newer (never a silent pass on
# the system's driver).   Usage: on_second_driver.sh DRIVER_DIR MOBILEVK_CLI COMMAND...
set -euo pipefail
dir="$1" cli="$2"
shift 2
icd="$dir/lvp_icd.json"
[ -f "$icd" ] || { echo "error: no second driver at $icd: run bash scripts/fetch-mesa25.sh (scripts/test.sh does)" >&2; exit 1; }
lib="$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$icd")"
export VK_DRIVER_FILES="$icd"
export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
info="$("$cli" devices --json | sed -n 's/.*"info": *"\([^"]*\)".*/\1/p' | head -1)"
case "$info" in
  "Mesa 2"[5-9]*|"Mesa "[3-9][0-9]*) echo "second driver: $info" ;;
  *) echo "error: with $icd the device's driver is '$info', not Mesa 25 or newer" >&2; exit 1 ;;
esac
exec "$@"
