#!/usr/bin/env python3
"""mobilevk detect --draw on pets.jpg: the JSON reports the two dogs, the PNG exists with the
photo's size, every pixel on each reported box's edge has that class's box colour (the colour is
read from the PNG's top-left box corner and must be the same all around the edge, and differ from
the photo there), and an existing file is not replaced without --overwrite.
Usage: detect_draw.py MOBILEVK SHARED_DIR WORK_DIR"""
import json, os, subprocess, sys

from image_files import png

mobilevk, shared, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
model = os.path.join(shared, 'models', 'ssd_mobilenet_v1_coco_quant_postprocess.tflite')
photo = os.path.join(shared, 'images', 'pets.jpg')
out = os.path.join(work, 'pets-detections.png')
if os.path.exists(out):
    os.remove(out)

def run(*extra):
    return subprocess.run([mobilevk, 'detect', '--model', model, '--json', '--draw', out, *extra, photo],
                          capture_output=True, text=True)

first = run()
assert first.returncode == 0, first.stderr
report = json.loads(first.stdout)
dogs = [d for d in report['detections'] if d['label'] == 'dog']
assert len(dogs) == 2, report
width, height, channels, rows = png(out)
assert (width, height) == (512, 430), (width, height)  # pets.jpg's size
pixel = lambda x, y: tuple(rows[y][x * channels:x * channels + 3])
for d in report['detections']:
    ymin, xmin, ymax, xmax = d['box']
    x0, x1 = round(xmin * (width - 1)), round(xmax * (width - 1))
    y0, y1 = round(ymin * (height - 1)), round(ymax * (height - 1))
    colour = pixel(x0, y0)
    edge = [(x, y0) for x in range(x0, x1 + 1)] + [(x, y1) for x in range(x0, x1 + 1)] + \
           [(x0, y) for y in range(y0, y1 + 1)] + [(x1, y) for y in range(y0, y1 + 1)]
    wrong = [p for p in edge if pixel(*p) != colour]
    assert not wrong, f"{d['label']} box edge: {len(wrong)} of {len(edge)} pixels are not {colour}, e.g. {wrong[:3]}"
    assert len(set(colour)) > 1, f'box colour {colour} is grey: not a class colour'
print(f"{len(report['detections'])} boxes drawn in their colour on a {width}x{height} PNG")

second = run()
assert second.returncode != 0 and 'already exists' in second.stderr, second.stderr
assert png(out)[:2] == (width, height)
third = run('--overwrite')
assert third.returncode == 0, third.stderr
print('an existing PNG is kept without --overwrite and replaced with it')
