"""Reading the images the CLI tests check: the PNGs mobilevk writes, the BMPs of ../shared."""
import struct, zlib


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


def bmp(path):
    """Uncompressed 24-bit BMP -> (width, height, rows of RGB bytes, top row first)."""
    data = open(path, 'rb').read()
    assert data[:2] == b'BM', 'not a BMP'
    offset, = struct.unpack('<I', data[10:14])
    width, height = struct.unpack('<ii', data[18:26])
    bits, compression = struct.unpack('<HI', data[28:34])
    assert bits == 24 and compression == 0, (bits, compression)
    stride = (width * 3 + 3) & ~3
    rows = []
    for y in range(abs(height)):
        src = offset + ((abs(height) - 1 - y) if height > 0 else y) * stride
        bgr = data[src:src + width * 3]
        rows.append(bytes(b for x in range(width) for b in (bgr[3 * x + 2], bgr[3 * x + 1], bgr[3 * x])))
    return width, abs(height), rows
