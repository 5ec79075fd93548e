#!/usr/bin/env bash
# The released programs against an adversarial user's files: nothing the user had is lost, bad
# input is named, output failures are not exit 0, nothing hangs. One case per run:
#   hardening.sh CASE BIN_DIR SHARED_DIR WORK_DIR
# Every command runs under `timeout`, so a hang fails the case instead of the whole suite.
set -uo pipefail
bindir=$(cd "$2" && pwd) shared=$(cd "$3" && pwd) src=$(cd "$(dirname "$0")/../.." && pwd)
case_name=$1 bin=$bindir/mobilevk webcam=$bindir/mobilevk-webcam embed=$bindir/mobilevk-embed work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
model="$shared/models/mobilenet_v1_0.25_128_quant.tflite"
image="$shared/images/hot_dog.jpg"
fail=0

# run CMD...: sets $out (stdout+stderr) and $rc; a 60 s limit (or $limit) turns a hang into rc 124.
run() { out=$(timeout "${limit:-60}" "$@" 2>&1); rc=$?; }
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; echo "  exit $rc, output: ${out:0:2000}"; fail=1; }
# expect RC REGEX DESCRIPTION: checks the last run.
expect() {
  if [ "$rc" -eq "$1" ] && grep -Eq -- "$2" <<<"$out"; then ok "$3"; else bad "$3 (want exit $1 and /$2/)"; fi
}
# same FILE CONTENT DESCRIPTION: the file still holds exactly CONTENT.
same() {
  if [ -f "$1" ] && [ ! -L "$1" ] && [ "$(cat "$1")" = "$2" ]; then ok "$3"; else echo "FAILED: $3 ($1 changed)"; fail=1; fi
}
is_npy() { [ -f "$1" ] && [ ! -L "$1" ] && [ "$(head -c 6 "$1" | tail -c 5)" = "NUMPY" ]; }

case $case_name in

pipeline-cache)  # 1. a file that is not a mobilevk pipeline cache is never written over
  echo "my notes" > notes.txt
  run "$bin" classify --model "$model" --pipeline-cache notes.txt "$image"
  expect 1 "notes.txt: is not a mobilevk pipeline cache" "a text file named as the cache is refused"
  same notes.txt "my notes" "the text file is untouched"
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --pipeline-cache notes.txt
  expect 1 "not a mobilevk pipeline cache" "bench refuses it too"
  same notes.txt "my notes" "still untouched after bench"
  # A real cache: written on the first start, loaded on the second, rewritten in place.
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --pipeline-cache cache.bin
  expect 0 "" "first start writes a new cache"
  if [ "$(head -c 15 cache.bin)" = "mobilevk-pcache" ]; then ok "the cache carries mobilevk's header"; else bad "no header in cache.bin"; fi
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --pipeline-cache cache.bin
  expect 0 "pipeline cache loaded" "second start loads it"
  : > empty.bin
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --pipeline-cache empty.bin
  expect 0 "" "an empty file holds nothing to lose and becomes a cache"
  # Reads are bounded and never block: /dev/zero, a FIFO, an oversized file.
  run "$bin" classify --model "$model" --pipeline-cache /dev/zero "$image"
  expect 1 "/dev/zero: is a character device" "/dev/zero is refused, not read until memory runs out"
  mkfifo cache.fifo
  run "$bin" classify --model "$model" --pipeline-cache cache.fifo "$image"
  expect 1 "cache.fifo: is a FIFO" "a FIFO as the cache is refused without blocking"
  truncate -s 300M big.bin
  run "$bin" classify --model "$model" --pipeline-cache big.bin "$image"
  expect 1 "big.bin: 314572800 bytes, over the limit" "a cache over 256 MiB is refused"
  ;;

tuning-cache)  # a tuning cache is written new or, with --overwrite, replaced atomically; reads are bounded
  tune=("$bin" tune --alpha 0.25 --resolution 32 --iterations 1)
  run "${tune[@]}" --tuning-cache tc.json
  expect 0 "cache written to tc.json" "tune writes a new cache"
  if grep -q '"format": "mobilevk-tuning"' tc.json; then ok "the cache is a mobilevk tuning cache"; else bad "tc.json is not one"; fi
  before=$(cat tc.json)
  run "${tune[@]}" --tuning-cache tc.json
  expect 2 "tc.json exists; pass --overwrite" "an existing cache is not replaced without --overwrite"
  same tc.json "$before" "the cache is untouched"
  echo "my notes" > notes.txt
  run "${tune[@]}" --tuning-cache notes.txt
  expect 2 "notes.txt exists" "a text file named as the cache is refused"
  same notes.txt "my notes" "the text file is untouched"
  ln -s notes.txt link.json
  run "${tune[@]}" --tuning-cache link.json --overwrite
  expect 1 "link.json: exists and is a symbolic link" "a symlink is never written through, even with --overwrite"
  same notes.txt "my notes" "the symlink's target is untouched"
  run "${tune[@]}" --tuning-cache tc.json --overwrite
  expect 0 "cache written to tc.json" "--overwrite replaces the cache"
  if [ -z "$(ls | grep -E 'tc\.json\.mobilevk-')" ]; then ok "no temporary file left behind"; else bad "temporary left: $(ls)"; fi
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --per-layer --tuning-cache tc.json
  expect 0 "variant" "bench runs with the cache and shows each layer's variant"
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --tuning-cache notes.txt
  expect 0 "ignoring the tuning cache given: it is not valid JSON" "a file that is not a cache is ignored with a warning"
  run "$bin" classify --model "$model" --tuning-cache /dev/zero "$image"
  expect 1 "/dev/zero: is a character device" "/dev/zero as the cache is refused, not read until memory runs out"
  mkfifo tc.fifo
  run "$bin" classify --model "$model" --tuning-cache tc.fifo "$image"
  expect 1 "tc.fifo: is a FIFO" "a FIFO as the cache is refused without blocking"
  run "$bin" classify --model "$model" --tuning-cache missing.json "$image"
  expect 1 "missing.json" "a missing cache file is named"
  ;;

precision-auto)  # tune --precision auto decides fp16 or fp32 on real photos; classify and bench follow and say why
  vww="$shared/models/vww_96_float.tflite"
  tune=("$bin" tune --model "$vww" --iterations 1 --tuning-cache pa.json)
  run "${tune[@]}" --precision auto
  expect 2 "needs photos to check fp16 against fp32" "precision auto without photos is refused"
  run "${tune[@]}" "$image"
  expect 2 "photos are taken only with --precision auto" "photos without precision auto are refused"
  run "${tune[@]}" --precision fp64 "$image"
  expect 2 "must be fp32, fp16 or auto" "an unknown precision is named"
  if [ ! -e pa.json ]; then ok "no cache written by refused runs"; else bad "pa.json written by a refused run"; fi
  # Compiles every kernel variant in both precisions: minutes on lavapipe with a cold shader cache.
  limit=600 run "${tune[@]}" --precision auto "$image" "$shared/images/cat.bmp"
  expect 0 "precision auto: fp(16|32) \(tuned fp16 [0-9.]+ ms vs fp32 [0-9.]+ ms .*on 2 images top-1" "tune decides from 2 photos"
  if grep -q '"choice": "fp' pa.json; then ok "the decision is in the cache"; else bad "no precision decision in pa.json"; fi
  run "$bin" classify --model "$vww" --precision auto --tuning-cache pa.json "$image"
  expect 0 "float \(fp(16|32); precision auto: fp(16|32): tuned fp16" "classify prints the choice and why"
  run "$bin" classify --model "$vww" --precision auto "$image"
  expect 0 "float \(fp32; precision auto: fp32: no tuning cache" "without a cache auto is fp32, and says so"
  run "$bin" bench --model "$vww" --precision auto --tuning-cache pa.json --iterations 1 --json
  expect 0 '"precision_reason": "fp(16|32): tuned fp16' "bench --json reports the choice"
  ;;

save-output)  # 2. unique exclusive temporary file, fsync, rename; planted symlinks are never followed
  echo "precious" > target.txt
  ln -s target.txt out.npy.tmp-mobilevk  # the old fixed temporary name
  run "$bin" classify --device cpu --model "$model" --save-output out.npy "$image"
  expect 0 "" "classify --save-output succeeds beside a planted symlink"
  same target.txt "precious" "the planted symlink's target is untouched"
  if is_npy out.npy; then ok "out.npy is a regular .npy file"; else bad "out.npy missing or not .npy"; fi
  if [ -z "$(ls | grep -E 'out\.npy\.mobilevk-')" ]; then ok "no temporary file left behind"; else bad "temporary left: $(ls)"; fi
  # Two writers at once: each file is whole; without --overwrite exactly one wins.
  "$bin" classify --device cpu --model "$model" --save-output race.npy "$image" >r1.log 2>&1 & p1=$!
  "$bin" classify --device cpu --model "$model" --save-output race.npy "$shared/images/bird.bmp" >r2.log 2>&1 & p2=$!
  wait $p1; r1=$?; wait $p2; r2=$?
  if [ $((r1 + r2)) -eq 1 ] && is_npy race.npy && [ "$(stat -c %s race.npy)" -eq "$(stat -c %s out.npy)" ]; then
    ok "racing writers: one succeeded ($r1/$r2), the file is whole"
  else
    rc=$r1; out="$(cat r1.log r2.log)"; bad "racing writers: exits $r1/$r2, size $(stat -c %s race.npy 2>/dev/null)"
  fi
  # The failing one said why.
  if grep -q "already exists" r1.log r2.log; then ok "the loser reports that the file exists"; else bad "no message from the loser"; fi
  # A directory that cannot be written: a clear error, nothing left behind.
  mkdir ro && chmod 555 ro
  if [ "$(id -u)" -ne 0 ]; then
    run "$bin" classify --device cpu --model "$model" --save-output ro/out.npy "$image"
    expect 1 "ro/out.npy: cannot create a temporary file" "an unwritable directory is reported"
  else
    echo "skipped (root ignores directory permissions): unwritable directory"
  fi
  ;;

overwrite-special)  # 3. only regular files are ever replaced
  run "$bin" classify --device cpu --model "$model" --save-output first.npy "$image"
  expect 0 "" "a first output"
  run "$bin" classify --device cpu --model "$model" --save-output first.npy "$image"
  expect 1 "first.npy: already exists; not overwriting" "an existing file needs --overwrite"
  run "$bin" classify --device cpu --model "$model" --save-output first.npy --overwrite "$image"
  expect 0 "" "--overwrite replaces a regular file"
  ln -s nowhere dangling.npy
  run "$bin" classify --device cpu --model "$model" --save-output dangling.npy "$image"
  expect 1 "dangling.npy: exists and is a symbolic link" "a dangling symlink is refused without --overwrite"
  run "$bin" classify --device cpu --model "$model" --save-output dangling.npy --overwrite "$image"
  expect 1 "dangling.npy: exists and is a symbolic link" "and with --overwrite"
  [ -L dangling.npy ] && [ ! -e nowhere ] && ok "the dangling link is still there, nothing created" || bad "dangling link replaced"
  echo "keep" > real.txt && ln -s real.txt link.npy
  run "$bin" classify --device cpu --model "$model" --save-output link.npy --overwrite "$image"
  expect 1 "link.npy: exists and is a symbolic link" "a symlink to a file is refused with --overwrite"
  same real.txt "keep" "the link's target is untouched"
  mkfifo out.fifo
  run "$bin" classify --device cpu --model "$model" --save-output out.fifo --overwrite "$image"
  expect 1 "out.fifo: exists and is a FIFO" "a FIFO is refused"
  [ -p out.fifo ] && ok "the FIFO is still a FIFO" || bad "FIFO replaced"
  mkdir out.dir
  run "$bin" classify --device cpu --model "$model" --save-output out.dir --overwrite "$image"
  expect 1 "out.dir: exists and is a directory" "a directory is refused"
  if [ "$(id -u)" -eq 0 ]; then
    mknod null.npy c 1 3
    run "$bin" classify --device cpu --model "$model" --save-output null.npy --overwrite "$image"
    expect 1 "null.npy: exists and is a character device" "a device node (a copy of /dev/null) is refused"
    [ -c null.npy ] && ok "the device node is still a device" || bad "device node replaced"
  else
    echo "skipped (mknod needs root): device node"
  fi
  ;;

stdout)  # 4. failed writes to stdout are errors; broken pipes end quietly
  run "$bin" classify --device cpu --json --model "$model" "$image" "$image" "$image"
  json_size=${#out}
  bash -c "'$bin' classify --device cpu --json --model '$model' '$image' >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
  expect 1 "writing the output failed" "classify --json >/dev/full exits 1 with a message"
  bash -c "'$bin' summary --alpha 0.5 >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
  expect 1 "writing the output failed" "summary >/dev/full too"
  bash -c "'$bin' devices >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
  expect 1 "writing the output failed" "devices >/dev/full too"
  bash -c "'$bin' --help >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
  expect 1 "writing the output failed" "--help >/dev/full too"
  # A reader that leaves: quiet end (killed by SIGPIPE, or 141), also when SIGPIPE is ignored.
  for ignore in no yes; do
    trap_cmd=""; [ $ignore = yes ] && trap_cmd="trap '' PIPE;"
    timeout 60 bash -c "$trap_cmd '$bin' summary --alpha 0.5 | head -c 10 >/dev/null; exit \${PIPESTATUS[0]}" 2>pipe.err; rc=$?
    out=$(cat pipe.err)
    if { [ $rc -eq 141 ] || [ $rc -eq 0 ]; } && [ -z "$out" ]; then ok "broken pipe (SIGPIPE ignored: $ignore): exit $rc, quiet"
    else bad "broken pipe (SIGPIPE ignored: $ignore)"; fi
  done
  # The webcam sample's looping headless mode: its reader goes away, it must end.
  if [ -x "$webcam" ]; then
    mkdir -p imgs && cp "$image" imgs/
    timeout 120 bash -c "trap '' PIPE; '$webcam' --headless --images imgs --model '$model' | head -n 3 >/dev/null; exit \${PIPESTATUS[0]}" 2>pipe.err; rc=$?
    out=$(cat pipe.err)
    if [ $rc -eq 141 ] || [ $rc -eq 0 ]; then ok "webcam loop ends once its reader is gone (exit $rc)"; else bad "webcam loop with a closed pipe"; fi
    bash -c "'$webcam' --headless --once --images imgs --model '$model' >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
    expect 1 "writing the output failed" "webcam >/dev/full exits 1"
  fi
  if [ -x "$embed" ]; then
    bash -c "'$embed' '$shared/models/mobilenet_v1_0.75_224_keras' '$image' >/dev/full" >full.log 2>&1; rc=$?; out=$(cat full.log)
    expect 1 "writing the output failed" "mobilevk-embed >/dev/full exits 1"
  fi
  [ "$json_size" -gt 100 ] && ok "(the JSON that was lost: $json_size bytes)" || bad "no JSON produced"
  ;;

nonfinite)  # 5. non-finite inputs give an error, never a probability or a saved file
  python3 - <<'EOF'
import struct
def npy(name, values, shape):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (shape,)
    header += ' ' * ((64 - (10 + len(header) + 1) % 64) % 64) + '\n'
    with open(name, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode())
        f.write(struct.pack('<%df' % len(values), *values))
n = 128 * 128 * 3
npy('nan.npy', [0.0] * 100 + [float('nan')] + [0.0] * (n - 101), (1, 128, 128, 3))
npy('inf.npy', [float('inf')] * n, (1, 128, 128, 3))
EOF
  for f in nan inf; do
    run "$bin" classify --model "$model" --input-npy $f.npy --save-output $f-out.npy
    expect 1 "$f.npy: holds a non-finite value" "--input-npy with $f is refused (GPU)"
    [ ! -e $f-out.npy ] && ok "nothing saved for $f" || bad "$f-out.npy was written"
  done
  run "$bin" classify --device cpu --model "$model" --input-npy nan.npy
  expect 1 "holds a non-finite value" "--input-npy with NaN is refused (CPU)"
  run "$bin" classify --model "$model" --input-range 0,inf "$image"
  expect 2 "--input-range expects LO,HI within" "an infinite --input-range is refused"
  run "$bin" classify --model "$model" --input-range nan,1 "$image"
  expect 2 "--input-range expects LO,HI within" "a NaN --input-range is refused"
  run "$bin" classify --model "$shared/models/vww_96_float.tflite" --input-range -3e38,3e38 "$image"
  expect 2 "--input-range expects LO,HI within" "a range whose width overflows float (NaN inputs, once a NaN answer) is refused"
  ;;

truncated-images)  # 6. a BMP, PNG or JPEG with less data than its header says is refused
  python3 - <<'EOF'
import struct
w = h = 16384
hdr = b'BM' + struct.pack('<IHHI', 54 + w * h * 3, 0, 0, 54) + struct.pack('<IiiHHIIiiII', 40, w, h, 1, 24, 0, w * h * 3, 2835, 2835, 0, 0)
open('header-only.bmp', 'wb').write(hdr)
EOF
  run "$bin" classify --device cpu --model "$model" header-only.bmp
  expect 1 "header-only.bmp: truncated BMP: its header describes 16384x16384 pixels at 24 bits, 805306422 bytes, but the file has 54" \
    "a 54-byte BMP header claiming 16384x16384 is refused at once"
  head -c 200000 "$shared/images/bird.bmp" > short.bmp
  run "$bin" classify --device cpu --model "$model" short.bmp
  expect 1 "short.bmp: truncated BMP" "a cut BMP is refused"
  head -c 150000 "$image" > short.jpg
  run "$bin" classify --device cpu --model "$model" short.jpg
  expect 1 "short.jpg: truncated JPEG: the image data ends \(150000 bytes\) without its end-of-image marker" "a cut JPEG is refused"
  python3 - <<'EOF'
import struct, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w, h = 64, 48
raw = b''.join(b'\0' + bytes((x * 4 + y) & 255 for x in range(w * 3)) for y in range(h))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open('whole.png', 'wb').write(png)
open('short.png', 'wb').write(png[:len(png) // 2])
open('no-iend.png', 'wb').write(png[:-12])
# 16384x16384 RGBA, 16 bits per sample: 2 GiB to decode
ihdr = struct.pack('>IIBBBBB', 16384, 16384, 16, 6, 0, 0, 0)
big = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\0' * 1000)) + chunk(b'IEND', b'')
open('big16.png', 'wb').write(big)
EOF
  run "$bin" classify --device cpu --model "$model" whole.png
  expect 0 "whole.png" "a whole PNG is classified"
  run "$bin" classify --device cpu --model "$model" short.png
  expect 1 "short.png: truncated PNG: chunk 'IDAT' declares" "a cut PNG is refused"
  run "$bin" classify --device cpu --model "$model" no-iend.png
  expect 1 "no-iend.png: truncated PNG: the file .* ends before its IEND chunk" "a PNG without IEND is refused"
  # 11. a limit that is hit is named (was "Corrupt JPEG")
  run "$bin" classify --device cpu --model "$model" big16.png
  expect 1 "big16.png: a 16384x16384 image with 4 channels of 16 bits needs 2049 MiB to decode, over the decoder's limit" \
    "a 16384^2 16-bit PNG names the limit it hits"
  ;;

multi-input)  # 7. every readable input is classified; each bad one reported; exit 1 at the end
  printf 'BM\x00\x00' > bad.bmp
  run "$bin" classify --device cpu --top 1 --model "$model" "$image" bad.bmp "$shared/images/bird.bmp"
  expect 1 "bad.bmp" "a bad image among good ones: exit 1, named"
  if grep -q "hot_dog.jpg" <<<"$out" && grep -q "bird.bmp" <<<"$out" && [ "$(grep -c '^ ' <<<"$out")" -eq 2 ]; then
    ok "both good images were classified"; else bad "the good images' results are missing"; fi
  expect 1 "1 of 3 inputs failed" "the count of failures is reported"
  run "$bin" classify --device cpu --json --top 1 --model "$model" "$image" bad.bmp
  expect 1 '"errors": \[' "--json lists the errors"
  grep -q '"image": ".*hot_dog.jpg"' <<<"$out" && ok "--json holds the good result" || bad "--json lacks the good result"
  run "$bin" classify --batch --top 1 --model "$model" "$image" bad.bmp "$shared/images/bird.bmp"
  expect 1 "1 of 3 inputs failed" "--batch classifies the readable ones (GPU)"
  run "$bin" classify --top 1 --model "$model" "$image" bad.bmp --save-output s.npy
  expect 1 "not writing s.npy" "no partial .npy whose rows would not match the inputs"
  # The webcam's image folder skips an unreadable file and goes on.
  if [ -x "$webcam" ]; then
    mkdir -p folder && cp "$image" folder/a.jpg && cp bad.bmp folder/b.bmp && cp "$shared/images/bird.bmp" folder/c.bmp
    mkfifo folder/d.jpg
    run "$webcam" --headless --once --images folder --model "$model"
    expect 0 "skipping .*b.bmp" "webcam folder: the bad file is skipped with a message"
    expect 0 "skipping .*d.jpg: is a FIFO" "webcam folder: a FIFO is skipped without blocking"
    expect 0 "summary: 2 frames" "webcam folder: both good images classified"
    mkdir -p allbad && cp bad.bmp allbad/x.bmp
    run "$webcam" --headless --images allbad --model "$model"
    expect 1 "none of its 1 image files could be read" "webcam folder without a readable image ends with an error"
  fi
  ;;

special-files)  # 8. FIFOs, devices, directories, symlink loops: refused by name, never a hang
  mkfifo fifo.jpg fifo.tflite fifo.txt
  run "$bin" classify --device cpu --model "$model" fifo.jpg
  expect 1 "fifo.jpg: is a FIFO" "a FIFO as image"
  run "$bin" classify --device cpu --model fifo.tflite "$image"
  expect 1 "fifo.tflite: is a FIFO" "a FIFO as model"
  run "$bin" classify --device cpu --model "$model" --labels fifo.txt "$image"
  expect 1 "fifo.txt: is a FIFO" "a FIFO as labels"
  run "$bin" classify --device cpu --model "$model" --input-npy fifo.txt
  expect 1 "fifo.txt: is a FIFO" "a FIFO as .npy input"
  run bash -c "cat '$image' | '$bin' classify --device cpu --model '$model' /dev/stdin"
  expect 1 "/dev/stdin: is a FIFO \(named pipe\), expected a regular file" "a pipe with data is named as a pipe (was 'empty file')"
  run "$bin" classify --device cpu --model "$model" /dev/zero
  expect 1 "/dev/zero: is a character device" "a device as image"
  ln -s loop1 loop2 && ln -s loop2 loop1
  run "$bin" classify --device cpu --model "$model" loop1
  expect 1 "loop1: cannot open \(a loop of symbolic links" "a symlink loop is named as such (was 'no such file')"
  run "$bin" classify --device cpu --model loop1 "$image"
  expect 1 "loop1: cannot open \(a loop of symbolic links" "a symlink loop as model"
  mkdir keras && mkfifo keras/model.json
  run "$bin" classify --device cpu --model keras "$image"
  expect 1 "model.json: is a FIFO" "a FIFO inside a Keras model directory"
  ;;

messages)  # 11. clear messages
  run "$bin" classify --device 99999999999999999999 --model "$model" "$image"
  expect 1 "asks for device index 99999999999999999999 but there are only" "a huge device index is answered (was 'stoul')"
  run "$bin" bench --alpha 1 --resolution 2048 --iterations 1
  expect 1 "the input resolution 2048x2048 is too large for this device" "batch 1: the resolution is named, not the batch"
  for c in classify compare bench summary devices; do
    run "$bin" $c --help
    expect 0 "usage:.*$c" "mobilevk $c --help prints its help"
  done
  run "$bin" classify -h
  expect 0 "usage:" "-h too"
  if [ -x "$embed" ]; then
    run "$embed" "$shared/models/mobilenet_v1_0.75_224_keras" "$image"
    expect 0 "934  hotdog" "mobilevk-embed finds the labels itself"
  fi
  ;;

webcam-exit)  # 10. no window or no font: message, exit 1, no abort
  if [ -x "$webcam" ]; then
    mkdir -p imgs && cp "$image" imgs/
    run env SDL_VIDEODRIVER=nonexistent "$webcam" --images imgs --model "$model"
    expect 1 "mobilevk-webcam: error: SDL" "no video driver: an error and exit 1 (was SIGABRT)"
    grep -q "terminate called" <<<"$out" && bad "std::terminate was called" || ok "no terminate"
    run env SDL_VIDEODRIVER=dummy "$webcam" --images imgs --model "$model" --font /nonexistent/font.ttf
    expect 1 "cannot open the font /nonexistent/font.ttf" "a missing font: an error and exit 1"
    grep -q "terminate called" <<<"$out" && bad "std::terminate was called" || ok "no terminate"
  else
    echo "FAILED: mobilevk-webcam was not built"; fail=1
  fi
  ;;

hostile-caches)  # issue 21, 2: no tuning cache or device profile a user hands in crashes or aborts
  tune=("$bin" tune --alpha 0.25 --resolution 32 --iterations 1)
  run "${tune[@]}" --tuning-cache good.json
  expect 0 "cache written to good.json" "a real cache to corrupt"
  python3 - <<'PY'
import json
good = json.load(open('good.json'))
def variant(name, change):
    doc = json.loads(json.dumps(good))
    change(doc)
    json.dump(doc, open(name + '.json', 'w'))
variant('number-name', lambda d: d['device'].update(name=42))
variant('array-driver', lambda d: d['device'].update(driver=['llvmpipe']))
variant('string-ms', lambda d: [e.update(ms='fast') for e in d['layers'].values()])
variant('null-variant', lambda d: [e.update(variant=None) for e in d['layers'].values()])
variant('huge-version', lambda d: d.update(version=4294967297))
variant('other-device', lambda d: d['device'].update(uuid='00112233445566778899aabbccddeeff'))
open('deep.json', 'w').write('[' * 3000000 + ']' * 3000000)  # 6 MB
PY
  for f in number-name array-driver string-ms null-variant huge-version deep; do
    run "$bin" classify --model "$model" --tuning-cache $f.json "$image"
    expect 0 "warning: ignoring the tuning cache given: .*default kernel variants run" "classify: $f.json is a warning; the defaults run"
    run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --tuning-cache $f.json
    expect 0 "warning: ignoring the tuning cache given" "bench: $f.json is a warning too"
    if grep -q "unexpected error\|type_error" <<<"$out"; then bad "$f.json: an unexpected error"; fi
  done
  run "$bin" classify --model "$model" --tuning-cache huge-version.json "$image"
  expect 0 "cache format version 4294967297, this one reads 1" "version 2^32+1 is not read as 1"
  cp number-name.json replace.json
  run "${tune[@]}" --tuning-cache replace.json --overwrite
  expect 0 "replacing replace.json without its old entries \(ignoring the tuning cache given: \"name\" of \"device\" must be a string" \
    "tune --overwrite replaces a corrupt cache and says its entries are dropped"
  if grep -q '"format": "mobilevk-tuning"' replace.json && ! grep -q '"name": 42' replace.json; then ok "replace.json is a cache now"
  else bad "replace.json was not replaced"; fi
  cp other-device.json foreign.json
  run "${tune[@]}" --tuning-cache foreign.json --overwrite
  expect 0 "replacing foreign.json without its old entries \(.*made on another device" "another device's entries are not dropped silently"
  truncate -s 65M big.json
  run "$bin" classify --model "$model" --tuning-cache big.json "$image"
  expect 0 "warning: ignoring the tuning cache big.json: 68157440 bytes, over the 64 MiB a tuning cache may have" \
    "a cache over the read limit is a warning naming it"
  if [ -x "$webcam" ]; then
    mkdir -p imgs && cp "$image" imgs/
    run "$webcam" --headless --once --images imgs --model "$model" --tuning-cache number-name.json
    expect 0 "ignoring the tuning cache given: \"name\" of \"device\" must be a string" "the webcam warns and runs"
  fi
  python3 -c "open('deep-profile.json', 'w').write('{\"name\": ' + '[' * 500000 + ']' * 500000 + '}')"
  run "$bin" devices --device-profile deep-profile.json
  expect 1 "device profile deep-profile.json nests deeper than 100 levels" "a 500,000-level profile is refused by name"
  python3 - "$src/engine/profiles/mali-valhall.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p['name'] = 'evil\x1b]0;pwned\x07\x1b[2J'
json.dump(p, open('escape.json', 'w'))
PY
  run "$bin" devices --device-profile escape.json
  expect 1 "field 'name' has a control or non-ASCII character: \"evil\\\\x1b\]0;pwned" "a profile name with escapes is refused, escaped"
  if grep -q $'\x1b' <<<"$out"; then bad "an escape sequence reached the terminal"; else ok "no raw escape byte in the output"; fi
  ;;

concurrent-tune)  # issue 21, 2: two tune --overwrite runs on one cache both keep their entries
  run "$bin" tune --alpha 0.25 --resolution 32 --iterations 1 --tuning-cache shared.json
  expect 0 "cache written" "a cache with the 32x32 model's layers"
  for r in 40 48; do
    (timeout 600 "$bin" tune --alpha 0.25 --resolution $r --iterations 1 --tuning-cache shared.json --overwrite >tune-$r.log 2>&1
     echo $? >tune-$r.rc) &
  done
  wait
  for r in 40 48; do
    rc=$(cat tune-$r.rc) out=$(cat tune-$r.log)
    expect 0 "cache written to shared.json" "tune at ${r}x$r succeeded"
  done
  for s in 16 20 24; do  # each model's stem output, s x s
    if grep -q -- "-> 1x${s}x${s}x8 k3x3 s2x2" shared.json; then ok "the ${s}x$s stem's entry survived"
    else bad "shared.json lost the entries of the model whose stem output is ${s}x$s"; fi
  done
  if grep -q "waiting for another tune of the same cache" tune-40.log tune-48.log; then ok "one run waited for the other"
  else bad "neither run waited"; fi
  ;;

messages-21)  # issue 21, 4 and 5: no silent wrong answer, no misleading message
  vww="$shared/models/vww_96_float.tflite" grace="$shared/images/grace_hopper.bmp"
  # --save-input of a quantized model writes its input integers; --input-npy takes them back as such.
  run "$bin" classify --model "$model" --save-input in.npy --save-output from-image.npy "$image"
  expect 0 "" "classify --save-input on the integer path"
  run "$bin" classify --model "$model" --input-npy in.npy --save-output from-npy.npy
  expect 0 "" "--input-npy takes the saved uint8 integers"
  if cmp -s from-image.npy from-npy.npy; then ok "the integers give the same output bit for bit"; else bad "outputs differ"; fi
  run "$bin" classify --model "$vww" --input-npy in.npy
  expect 1 "in.npy: holds uint8 integers, but model 'vww_96_float' takes float input; give float32 values as the model expects them" \
    "a float model refuses them with advice that is right"
  # The assumed normalization is printed; --input-range reaches tune and the webcam.
  run "$bin" classify --model "$vww" "$grace"
  expect 0 "input: float input: assumed \[-1, 1\]" "classify says which normalization it assumed"
  run "$bin" classify --model "$vww" --input-range 0,1 "$grace"
  expect 0 "0\.8[0-9]+ +1  person" "with the right range, person 0.888 as the reference says"
  expect 0 "input: --input-range 0,1" "and the range it ran with is printed"
  run "$bin" bench --model "$vww" --iterations 1
  expect 0 "input float input: assumed \[-1, 1\]" "bench says it too"
  run "$bin" tune --model "$vww" --input-range 0,1 --iterations 1 --tuning-cache vww.json
  expect 0 "input --input-range 0,1" "tune takes --input-range"
  # A cache covering no layer says so; the batch is in the header.
  run "$bin" tune --alpha 0.25 --resolution 32 --iterations 1 --tuning-cache b1.json
  run "$bin" bench --alpha 0.25 --resolution 32 --iterations 1 --batch 2 --tuning-cache b1.json
  expect 0 "tuning cache: none of its [0-9]+ entries is for a layer of this network as it runs \(batch 2" "a batch-1 cache at batch 2 warns"
  run "$bin" classify --model "$model" --batch "$image" "$shared/images/cat.bmp"
  expect 0 "\(2x128x128x3\)" "classify --batch prints the batch in the header"
  # Options that do not apply are refused, naming the flag.
  run "$bin" classify --device cpu --device-profile nope --model "$model" "$image"
  expect 2 "--device-profile clamps a Vulkan device; --device cpu" "--device-profile with --device cpu"
  run "$bin" classify --precision fp16 --model "$model" "$image"
  expect 2 "--precision fp16: model .* runs integer execution" "--precision fp16 on an integer run"
  run "$bin" classify --dot-product plain --model "$vww" "$image"
  expect 2 "--dot-product is integer execution's inner product" "--dot-product on a float run"
  run "$bin" classify --help
  for o in --tuning-cache --device-profile --execution --dot-product --save-input; do
    if grep -q -- "$o" <<<"$out"; then ok "classify --help lists $o"; else bad "classify --help omits $o"; fi
  done
  # Under a device profile, refusals name the profile and the CLI flag.
  python3 - "$src/engine/profiles/mali-valhall.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p['name'] = 'no-dot-no-timestamps'
p['features']['shaderIntegerDotProduct'] = False
p['features']['timestamps'] = False
json.dump(p, open('plain.json', 'w'))
PY
  run "$bin" classify --device-profile plain.json --dot-product packed --model "$model" "$image"
  expect 1 "device profile 'no-dot-no-timestamps' \(on llvmpipe.*has no shaderIntegerDotProduct.*--dot-product plain" \
    "the dot-product refusal names the profile and the flag"
  run "$bin" tune --device-profile plain.json --alpha 0.25 --resolution 32 --iterations 1 --tuning-cache np.json
  expect 1 "tuning needs GPU timestamps; device profile 'no-dot-no-timestamps'" "tune names the profile"
  run "$bin" bench --device-profile plain.json --alpha 0.25 --resolution 32 --iterations 1 --per-layer
  expect 1 "--per-layer needs GPU timestamps, and device profile 'no-dot-no-timestamps' has none" "bench --per-layer says why"
  # Layer names keep their distinguishing tail.
  run "$bin" bench --model "$model" --iterations 1 --per-layer
  expect 0 "\.\.\._13_pointwise/Relu6" "bench --per-layer shows the end of TFLite layer names"
  # The README's main command passes option values through (it took them for photos).
  run bash "$src/scripts/classify.sh" --device cpu --top 3
  expect 0 "19  chickadee" "classify.sh --device cpu --top 3 still classifies the default photo"
  ;;

*) echo "unknown case $case_name"; exit 2 ;;
esac
exit $fail
