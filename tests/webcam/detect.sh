#!/usr/bin/env bash
# The webcam sample with the SSD detector, headless, on a video made here from pets.jpg (1 s at 10
# fps, MJPEG): every frame's JSON line carries the two dogs (class 17 of labels/coco_90.txt) and
# their boxes, and the summary counts every frame.
#   detect.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work"
video="$work/pets.avi"
ffmpeg -loglevel error -y -loop 1 -framerate 10 -t 1 -i "$shared/images/pets.jpg" -vf "scale=512:430,setsar=1" \
       -c:v mjpeg -q:v 2 "$video"
"$bin" --video "$video" --headless --json --model "$shared/models/ssd_mobilenet_v1_coco_quant_postprocess.tflite" \
       > "$work/frames.jsonl"
python3 - "$work/frames.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
frames = [l for l in lines if "frame" in l]
summary = [l["summary"] for l in lines if "summary" in l]
assert len(frames) == 10, f"expected 10 frames, got {len(frames)}"
for f in frames:
    dogs = [d for d in f["detections"] if d["label"] == "dog" and d["class"] == 17]
    assert len(dogs) == 2 and len(f["detections"]) == 2, f"frame {f['index']}: {f['detections']}"
    for d in dogs:
        ymin, xmin, ymax, xmax = d["box"]
        assert 0 <= ymin < ymax <= 1 and 0 <= xmin < xmax <= 1 and d["score"] >= 0.5, d
    assert f["postprocess_ms"] < f["infer_ms"], f
assert summary and summary[0]["frames"] == 10 and summary[0]["dropped"] == 0, summary
print(f"10 frames, each with the two dogs; summary {summary[0]}")
PY
