#!/usr/bin/env python3
"""mobilevk segment --draw on bird_segmentation.bmp (513x513, the model's input size, so the class
map lies on the photo pixel for pixel): the JSON's shares are those of the saved int32 class map
([1, 513, 513]) and name the bird; the PNG has the photo's size; every background pixel is the
photo's own, every other pixel the photo blended half and half with its class's PASCAL VOC colour
(the bird, class 3: (128, 128, 0)); an existing file is not replaced without --overwrite.
Usage: segment_draw.py MOBILEVK SHARED_DIR WORK_DIR"""
import json, os, struct, subprocess, sys
from collections import Counter

from image_files import bmp, png

mobilevk, shared, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
model = os.path.join(shared, 'models', 'deeplabv3_mnv2_pascal_quant.tflite')
photo = os.path.join(shared, 'images', 'bird_segmentation.bmp')
out, classes = os.path.join(work, 'bird-segmentation.png'), os.path.join(work, 'bird-classes.npy')
for f in (out, classes):
    if os.path.exists(f):
        os.remove(f)


def run(*extra):
    return subprocess.run([mobilevk, 'segment', '--model', model, '--json', '--draw', out, *extra, photo], capture_output=True, text=True)


def voc_colour(c):
    r = g = b = 0
    for bit in range(7, -1, -1):
        r |= (c & 1) << bit
        g |= ((c >> 1) & 1) << bit
        b |= ((c >> 2) & 1) << bit
        c >>= 3
    return r, g, b


first = run('--save-output', classes)
assert first.returncode == 0, first.stderr
report = json.loads(first.stdout)
data = open(classes, 'rb').read()
header_len, = struct.unpack('<H', data[8:10])
header = data[10:10 + header_len].decode('latin1')
assert "'descr': '<i4'" in header and "'shape': (1,513,513)" in header, header
cmap = struct.unpack(f'<{513 * 513}i', data[10 + header_len:])
counts = Counter(cmap)
shares = {c['class']: c['share'] for c in report['classes']}
assert shares == {c: n / len(cmap) for c, n in counts.items()}, (shares, counts)
assert [c['label'] for c in report['classes']][:2] == ['background', 'bird'], report['classes']
assert 0.15 < shares[3] < 0.3, shares

pw, ph, prow = bmp(photo)
width, height, channels, rows = png(out)
assert (width, height) == (pw, ph) == (513, 513), (width, height, pw, ph)
assert voc_colour(3) == (128, 128, 0) and voc_colour(15) == (192, 128, 128)
wrong = []
for y in range(height):
    for x in range(width):
        c = cmap[y * width + x]
        original = prow[y][3 * x:3 * x + 3]
        expected = tuple(original) if c == 0 else tuple(int(p * 0.5 + k * 0.5 + 0.5) for p, k in zip(original, voc_colour(c)))
        if tuple(rows[y][x * channels:x * channels + 3]) != expected:
            wrong.append((x, y, c))
assert not wrong, f'{len(wrong)} pixels are not the photo blended with their class colour, e.g. {wrong[:3]}'
print(f"{sum(n for c, n in counts.items() if c)} pixels blended with their class colour, {counts[0]} left as the photo, on a {width}x{height} PNG")

second = run()
assert second.returncode != 0 and 'already exists' in second.stderr, second.stderr
third = run('--overwrite')
assert third.returncode == 0, third.stderr
print('an existing PNG is kept without --overwrite and replaced with it')
