#!/usr/bin/env bash
# Installs mobilevk from SOURCE (shared or static library) into a temporary prefix, builds the
# consumer project against the installed package only, and classifies hot_dog.jpg from C++ and C.
#   run.sh SOURCE_DIR WORK_DIR SHARED_DATA_DIR ON|OFF [BUILD_DIR]
# With BUILD_DIR (a Release build of SOURCE_DIR with the same BUILD_SHARED_LIBS, e.g. the test
# run's own static build), that build is installed instead of building the project again.
set -euo pipefail
src=$1 work=$2 shared=$3 sharedlibs=$4 built=${5:-}
rm -rf "$work" && mkdir -p "$work"
if [ -n "$built" ]; then
  cmake --install "$built" --prefix "$work/prefix" >/dev/null
else
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS="$sharedlibs" \
        -DMOBILEVK_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
  cmake --build "$work/build" -j2 >/dev/null
  cmake --install "$work/build" >/dev/null
fi
pc=$(find "$work/prefix" -name mobilevk.pc | head -1)
test -n "$pc" && PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs mobilevk
test -x "$work/prefix/bin/mobilevk"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" -j2 >/dev/null
export LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
out=$("$work/consumer/consumer_cpp" "$shared/models/mobilenet_v1_0.75_224_keras" "$shared/images/hot_dog.jpg" "$work/hot_dog.rgba")
echo "$out"
read -r _ w h <<<"$(echo "$out" | grep '^size')"
"$work/consumer/consumer_c" "$shared/models/mobilenet_v1_0.75_224_keras" "$work/hot_dog.rgba" "$w" "$h"
