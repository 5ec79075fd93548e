#!/usr/bin/env python3
"""mobilevk pose --draw on posenet_test_image.bmp: the JSON reports two poses, each with the 17
named keypoints in image pixels; the PNG has the photo's size; each keypoint scoring at least the
keypoint threshold (0.5) is a white dot ringed in its pose's colour (pose 0 red, pose 1 green: the
golden-angle palette of detections), the midpoint of each skeleton edge between two such keypoints
has the pose's colour, and the photo's corners are untouched; the raw outputs saved with
--save-output hold the same poses; an existing file is not replaced without --overwrite.
Usage: pose_draw.py MOBILEVK SHARED_DIR WORK_DIR"""
import json, math, os, struct, subprocess, sys

from image_files import bmp, png

mobilevk, shared, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
model = os.path.join(shared, 'models', 'posenet', 'posenet_mobilenet_v1_075_481_641_16_quant_decoder.tflite')
photo = os.path.join(shared, 'images', 'posenet_test_image.bmp')
out, raw = os.path.join(work, 'posenet-poses.png'), os.path.join(work, 'posenet-outputs.npy')
for f in (out, raw):
    if os.path.exists(f):
        os.remove(f)

NAMES = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
         'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle']
EDGES = [(0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (11, 12), (5, 11), (6, 12), (5, 7), (7, 9), (6, 8), (8, 10), (11, 13), (13, 15),
         (12, 14), (14, 16)]


def colour(i):
    """mobilevk/detection.h's detectionColour, which poseColour is."""
    hue = math.fmod(i * 137.508, 360.0) / 60.0
    x = 1.0 - abs(math.fmod(hue, 2.0) - 1.0)
    r, g, b = [(1, x, 0), (x, 1, 0), (0, 1, x), (0, x, 1), (x, 0, 1), (1, 0, x)][min(int(hue), 5)]
    return tuple(int(40 + 215 * v) for v in (r, g, b))


def run(*extra):
    return subprocess.run([mobilevk, 'pose', '--model', model, '--json', '--draw', out, *extra, photo], capture_output=True, text=True)


first = run('--save-output', raw)
assert first.returncode == 0, first.stderr
report = json.loads(first.stdout)
poses = report['poses']
assert len(poses) == 2, report
assert report['size'] == [640, 480], report['size']
assert poses[0]['score'] >= poses[1]['score'] > 0.5, [p['score'] for p in poses]
for p in poses:
    assert [k['name'] for k in p['keypoints']] == NAMES, p['keypoints']
    assert all(0 <= k['x'] <= 640 and 0 <= k['y'] <= 480 for k in p['keypoints']), p['keypoints']

# --save-output: [1, 20*17*2 + 20*17 + 20 + 1] floats, the four outputs in order (y, x in input pixels).
data = open(raw, 'rb').read()
header_len, = struct.unpack('<H', data[8:10])
header = data[10:10 + header_len].decode('latin1')
assert "'descr': '<f4'" in header and "'shape': (1,1041)" in header, header
values = struct.unpack('<1041f', data[10 + header_len:])
assert values[-1] == 2.0, values[-1]
nose_y, nose_x = values[0], values[1]
assert abs(nose_x / 641 * 640 - poses[0]['keypoints'][0]['x']) < 1e-3 and abs(nose_y / 481 * 480 - poses[0]['keypoints'][0]['y']) < 1e-3

assert colour(0) == (255, 40, 40) and colour(1) == (40, 255, 102), (colour(0), colour(1))
pw, ph, prow = bmp(photo)
width, height, channels, rows = png(out)
assert (width, height) == (pw, ph) == (640, 480), (width, height, pw, ph)
# The pixel holding a point (drawing tests pixel centres, x + 0.5).
pixel = lambda x, y: tuple(rows[int(y)][int(x) * channels:int(x) * channels + 3])
shown = [(k['x'], k['y']) for p in poses for k in p['keypoints'] if k['score'] >= 0.5]
checked = 0
for i, p in enumerate(poses):
    kp = p['keypoints']
    for k in kp:
        if k['score'] < 0.5:
            continue
        x, y = k['x'], k['y']
        assert pixel(x, y) == (255, 255, 255), (i, k, pixel(x, y))
        # The ring (radius 4.5, the white 2.25): 3.5 pixels right of the centre, where no other dot is near.
        if all(math.hypot(x + 3.5 - ox, y - oy) > 6 for ox, oy in shown if (ox, oy) != (x, y)):
            assert pixel(x + 3.5, y) == colour(i), (i, k, pixel(x + 3.5, y))
            checked += 1
    for a, b in EDGES:
        if kp[a]['score'] < 0.5 or kp[b]['score'] < 0.5:
            continue
        mx, my = (kp[a]['x'] + kp[b]['x']) / 2, (kp[a]['y'] + kp[b]['y']) / 2
        if all(math.hypot(mx - ox, my - oy) > 6 for ox, oy in shown):
            assert pixel(mx, my) == colour(i), (i, NAMES[a], NAMES[b], pixel(mx, my))
            checked += 1
assert checked >= 20, checked
for x, y in ((0, 0), (639, 0), (0, 479), (639, 479)):
    assert pixel(x, y) == tuple(prow[y][3 * x:3 * x + 3]), (x, y)
print(f"{len(poses)} poses drawn on a {width}x{height} PNG: {len(shown)} white keypoint dots, {checked} ring and limb pixels in the poses' colours")

second = run()
assert second.returncode != 0 and 'already exists' in second.stderr, second.stderr
third = run('--overwrite')
assert third.returncode == 0, third.stderr
print('an existing PNG is kept without --overwrite and replaced with it')
