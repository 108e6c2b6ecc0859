#!/usr/bin/env python3
"""Counts the pixels of a PNG (8-bit RGB or RGBA, not interlaced, as
chromium writes its screenshots) near each colour given.

    png_colours.py FILE '#rrggbb'...

Prints "total N", "distinct N" (distinct colours), then "#rrggbb N" for
each colour.  Only the standard library: zlib and the five PNG filters.
"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("%s: unsupported PNG (depth %d, type %d)" % (path, depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


w, h, bpp, rows = pixels(sys.argv[1])
want = [(c, tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)))
        for c in sys.argv[2:]]
counts = {c: 0 for c, _ in want}
distinct = set()
for row in rows:
    for x in range(0, len(row), bpp):
        px = tuple(row[x:x + 3])
        distinct.add(px)
        for c, rgb in want:
            if all(abs(px[i] - rgb[i]) <= 6 for i in range(3)):
                counts[c] += 1
print("total", w * h)
print("distinct", len(distinct))
for c, _ in want:
    print(c, counts[c])
