#!/usr/bin/env bash
# Bad sources end with exit code 1 and a message naming the problem, within a bounded time.
#   bad_input.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -uo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work/empty-folder"
head -c 5000 /dev/urandom > "$work/corrupt.mp4"
model="$shared/models/mobilenet_v1_0.25_128_quant.tflite"
fail=0
expect() {  # expect REGEX ARGS...
  local regex=$1; shift
  local out rc
  out=$(timeout 60 "$bin" --headless --model "$model" "$@" 2>&1); rc=$?
  if [ $rc -ne 1 ] || ! grep -Eq -- "$regex" <<<"$out"; then
    echo "FAILED: $* -> exit $rc, output: $out"; fail=1
  else
    echo "ok: $* -> $(grep -E -- "$regex" <<<"$out" | head -1)"
  fi
}
expect "/dev/video99: cannot open camera" --camera /dev/video99
expect "corrupt.mp4: cannot (open video|read stream)" --video "$work/corrupt.mp4"
expect "empty-folder: no JPEG, PNG or BMP images" --images "$work/empty-folder"
expect "no-such-folder: cannot open image folder" --images "$work/no-such-folder"
# A label file of another model's length is refused as `mobilevk classify` refuses it (the VWW
# model with the 1001 ImageNet labels said "tench"), and so is a bad second --model, at start
# rather than when `m` switches to it.
expect "imagenet_1001.txt: 1001 labels, the model has 2 outputs" --images "$shared/images" --labels "$shared/labels/imagenet_1001.txt" \
  --model "$shared/models/vww_96_int8.tflite"
expect "vww_2.txt: 2 labels, the model has 1001 outputs" --images "$shared/images" --labels "$shared/labels/vww_2.txt" \
  --model "$shared/models/mobilenet_v1_0.75_224_keras"
expect "--model $work/corrupt.mp4: .*corrupt.mp4" --images "$shared/images" --model "$work/corrupt.mp4"
out=$("$bin" --images "$shared/images" --input-range 1,0 2>&1); rc=$?
if [ $rc -ne 2 ] || ! grep -q "input-range expects LO,HI" <<<"$out"; then echo "FAILED: bad --input-range -> exit $rc: $out"; fail=1
else echo "ok: a bad --input-range is a usage error"; fi
out=$("$bin" --video 2>&1); rc=$?
if [ $rc -ne 2 ]; then echo "FAILED: missing option value -> exit $rc"; fail=1; else echo "ok: usage error -> exit 2"; fi
exit $fail
