#!/usr/bin/env bash
# The webcam sample with PoseNet, headless, on a video made here from posenet_test_image.bmp (1 s at
# 4 fps, MJPEG): every frame's JSON line carries the two people, best first, each with the 17 named
# keypoints in frame pixels, the first one's nose and left ankle where `mobilevk pose` puts them on
# the photo (within 4 pixels: MJPEG changes the pixels a little), and the decoder's time.
#   pose.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work"
video="$work/posenet.avi"
ffmpeg -loglevel error -y -loop 1 -framerate 4 -t 1 -i "$shared/images/posenet_test_image.bmp" -vf "setsar=1" \
       -c:v mjpeg -q:v 2 "$video"
model="$shared/models/posenet/posenet_mobilenet_v1_075_481_641_16_quant_decoder.tflite"
"$bin" --video "$video" --headless --json --model "$model" > "$work/frames.jsonl"
# The same photo through the CLI (its own decoder of the BMP, no video): the reference positions.
"$(dirname "$bin")/mobilevk" pose --json --model "$model" "$shared/images/posenet_test_image.bmp" > "$work/photo.json"
python3 - "$work/frames.jsonl" "$work/photo.json" <<'PY'
import json, math, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
photo = json.load(open(sys.argv[2]))["poses"]
frames = [l for l in lines if "frame" in l]
summary = [l["summary"] for l in lines if "summary" in l]
assert len(frames) == 4, f"expected 4 frames, got {len(frames)}"
names = ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
         "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
for f in frames:
    poses = f["poses"]
    assert len(poses) == 2, f"frame {f['index']}: {len(poses)} poses"
    assert poses[0]["score"] >= poses[1]["score"] >= 0.5, [p["score"] for p in poses]
    for p, ref in zip(poses, photo):
        assert [k["name"] for k in p["keypoints"]] == names, p["keypoints"]
        for k in (0, 15):
            got, want = p["keypoints"][k], ref["keypoints"][k]
            d = math.hypot(got["x"] - want["x"], got["y"] - want["y"])
            assert d < 4, f"frame {f['index']}: {names[k]} at ({got['x']:.1f}, {got['y']:.1f}), the photo's at ({want['x']:.1f}, {want['y']:.1f})"
    assert 0 < f["postprocess_ms"] < f["infer_ms"], f
assert summary and summary[0]["frames"] == 4 and summary[0]["dropped"] == 0, summary
print(f"4 frames, each with the two poses ({frames[0]['poses'][0]['score']:.3f}, {frames[0]['poses'][1]['score']:.3f}); summary {summary[0]}")
PY
