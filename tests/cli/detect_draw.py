#!/usr/bin/env python3
"""mobilevk detect --draw on pets.jpg: the JSON reports the two dogs, the PNG exists with the
photo's size, every pixel on each reported box's edge has that class's box colour (the colour is
read from the PNG's top-left box corner and must be the same all around the edge, and differ from
the photo there), and an existing file is not replaced without --overwrite.
Usage: detect_draw.py MOBILEVK SHARED_DIR WORK_DIR"""
import json, os, struct, subprocess, sys, zlib

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

def png(path):
    """8-bit RGB/RGBA, non-interlaced PNG -> (width, height, channels, rows of bytes)."""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows

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
