#!/usr/bin/env bash
# The webcam sample with DeepLabV3, headless, on a video made here from bird_segmentation.bmp (1 s
# at 3 fps, MJPEG, 512x512): every frame's JSON line carries the 513x513 class map's shares, the
# background first, then the bird with 15 to 30% of the pixels (21.9% on the photo itself).
#   segment.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work"
video="$work/bird.avi"
ffmpeg -loglevel error -y -loop 1 -framerate 3 -t 1 -i "$shared/images/bird_segmentation.bmp" -vf "scale=512:512,setsar=1" \
       -c:v mjpeg -q:v 2 "$video"
"$bin" --video "$video" --headless --json --model "$shared/models/deeplabv3_mnv2_pascal_quant.tflite" > "$work/frames.jsonl"
python3 - "$work/frames.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
frames = [l for l in lines if "frame" in l]
summary = [l["summary"] for l in lines if "summary" in l]
assert len(frames) == 3, f"expected 3 frames, got {len(frames)}"
for f in frames:
    assert f["map"] == [513, 513], f["map"]
    classes = f["classes"]
    assert [c["label"] for c in classes[:2]] == ["background", "bird"], classes
    assert 0.15 < classes[1]["share"] < 0.3 and abs(sum(c["share"] for c in classes) - 1) < 1e-9, classes
assert summary and summary[0]["frames"] == 3 and summary[0]["dropped"] == 0, summary
print(f"3 frames, the bird on {100 * frames[0]['classes'][1]['share']:.1f}% of each map; summary {summary[0]}")
PY
