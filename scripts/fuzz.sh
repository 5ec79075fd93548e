#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer (clang, AddressSanitizer + UBSan): the TFLite
# reader, the Keras/TF.js reader, the .npy reader and the image decoder, starting from a seed corpus
# of the real shared files plus truncations. Fails on any crash, leak, sanitizer report or timeout;
# the crashing input is saved under build-fuzz/crashes/ (add it, minimized with -minimize_crash=1,
# to tests/fuzz/regressions/<target>/ once fixed).
#   bash scripts/fuzz.sh            CI: a fixed seed and a fixed number of runs per target (~35 s
#                                   each here), so a run that passed once passes again
#   bash scripts/fuzz.sh SECONDS    exploration: random seed, SECONDS per target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-}
shared="$(pwd)/../shared"
bash scripts/install-deps.sh
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOBILEVK_FUZZ=ON -DMOBILEVK_BUILD_TESTS=OFF \
        -DMOBILEVK_BUILD_TOOLS=OFF -DMOBILEVK_SHARED_DIR="$shared" >/dev/null
cmake --build build-fuzz -j2 --target fuzz_tflite fuzz_keras fuzz_npy fuzz_image
bash tests/fuzz/make_corpus.sh "$shared" build-fuzz/corpus
mkdir -p build-fuzz/crashes
status=0
declare -A runs=([tflite]=30000 [keras]=30000 [npy]=200000 [image]=3000)
for target in tflite keras npy image; do
  if [ -n "$seconds" ]; then
    budget=(-max_total_time="$seconds")
    echo "== fuzz_$target for ${seconds}s"
  else
    budget=(-runs="${runs[$target]}" -seed=1)
    echo "== fuzz_$target, ${runs[$target]} runs, seed 1"
  fi
  if ! UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
      build-fuzz/bin/fuzz_$target build-fuzz/corpus/$target tests/fuzz/regressions/$target \
      "${budget[@]}" -max_len=3000000 -rss_limit_mb=3072 -timeout=20 \
      -artifact_prefix=build-fuzz/crashes/$target- -print_final_stats=1 2> build-fuzz/fuzz_$target.log; then
    echo "FAILED: fuzz_$target found a problem:"; tail -40 build-fuzz/fuzz_$target.log; status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/fuzz_$target.log || true
done
exit $status
