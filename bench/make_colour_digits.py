#!/usr/bin/python3
"""Colour pictures from the real digits, as a folder of class sub-folders of PNG files, for the
image benchmarks and demos of issue 23 (`latent convert --from image-dir` then reads them):

    bench/make_colour_digits.py mnist.h5 OUT_DIR [N]

Each of the first N digits (default all) becomes a 28x28 RGB PNG OUT_DIR/<label>/<index>.png:
the stroke in the colour of its class (a hue per class), the background a dim colour of its
own (from the digit's index), so that colour carries the class as shape does. Pure Python
(zlib) and h5py: no imaging library needed.
"""
import colorsys
import os
import struct
import sys
import zlib

import h5py


def png_bytes(width, height, rgb_rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with h5py.File(sys.argv[1], "r") as f:
        images, labels = f["images"][:], f["labels"][:]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else len(labels)
    scale = 255.0 if images.dtype.kind == "f" else 1.0
    for i in range(n):
        label = int(labels[i])
        fg = [int(255 * v) for v in colorsys.hsv_to_rgb(label / 10.0, 0.8, 1.0)]
        bg = [int(60 * v) for v in colorsys.hsv_to_rgb((i * 0.618) % 1.0, 0.6, 1.0)]
        pixels = images[i].reshape(28, 28) * scale
        rows = []
        for y in range(28):
            row = []
            for x in range(28):
                a = float(pixels[y, x]) / 255.0
                row += [int(round(bg[c] * (1 - a) + fg[c] * a)) for c in range(3)]
            rows.append(row)
        folder = os.path.join(sys.argv[2], str(label))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "%05d.png" % i), "wb") as out:
            out.write(png_bytes(28, 28, rows))


if __name__ == "__main__":
    main()
