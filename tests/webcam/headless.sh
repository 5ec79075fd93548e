#!/usr/bin/env bash
# Headless run on a video made here from the shared photos: 2 s of hot_dog then 2 s of bird at
# 10 fps (MJPEG). Every frame must come out (none dropped for a file), top-1 must be hotdog for
# frames 0-19 and chickadee for 20-39, and the summary must be printed.
#   headless.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work"
video="$work/hot_dog_then_bird.avi"
ffmpeg -loglevel error -y -loop 1 -framerate 10 -t 2 -i "$shared/images/hot_dog.jpg" \
       -loop 1 -framerate 10 -t 2 -i "$shared/images/bird.bmp" \
       -filter_complex "[0:v]scale=320:240,setsar=1[a];[1:v]scale=320:240,setsar=1[b];[a][b]concat=n=2:v=1[v]" \
       -map "[v]" -c:v mjpeg -q:v 3 "$video"
"$bin" --video "$video" --headless --json --model "$shared/models/mobilenet_v1_0.75_224_keras" > "$work/frames.jsonl"
python3 - "$work/frames.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
frames = [l for l in lines if "frame" in l]
summary = [l["summary"] for l in lines if "summary" in l]
assert len(frames) == 40, f"expected 40 frames, got {len(frames)}"
assert [f["index"] for f in frames] == list(range(40)), "frames lost or out of order"
for f in frames:
    want = 934 if f["index"] < 20 else 19
    assert f["top1"]["index"] == want, f"frame {f['index']}: top-1 {f['top1']} instead of {want}"
assert summary and summary[0]["frames"] == 40 and summary[0]["dropped"] == 0, summary
print(f"40 frames: hotdog until frame 19, chickadee from frame 20; summary {summary[0]}")
PY
