#!/usr/bin/python3
"""Pillow's own resize of a float image, for ResampleTest: our AxisWeights must give what an
independent, widely used implementation gives for BOX, BICUBIC and LANCZOS (antialiased on
reductions). Writes udf/src/test/resources/resample/{cases.txt,pillow.bin}.

cases.txt: the input's width and height, then one line per case: filter, width, height, offset
(in floats) of its pixels in pillow.bin, which starts with the input. All float32 little-endian,
rows top to bottom. Pillow resizes 'F' images in double precision with no 8-bit rounding.
"""
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "udf", "src", "test", "resources", "resample")
W, H = 37, 29
SIZES = [(18, 14), (12, 10), (9, 7), (37, 15), (5, 29), (50, 40), (1, 1)]
FILTERS = {"BOX": Image.BOX, "BICUBIC": Image.BICUBIC, "LANCZOS3": Image.LANCZOS}


def main():
    rng = np.random.default_rng(16)
    y, x = np.mgrid[0:H, 0:W]
    image = (0.5 + 0.3 * np.sin(x / 3.0) * np.cos(y / 5.0) + 0.2 * rng.standard_normal((H, W))).astype("<f4")
    blobs = [image.ravel()]
    offset = image.size
    lines = ["%d %d" % (W, H)]
    source = Image.fromarray(image, mode="F")
    for name, flt in FILTERS.items():
        for w, h in SIZES:
            out = np.asarray(source.resize((w, h), flt), dtype="<f4")
            lines.append("%s %d %d %d" % (name, w, h, offset))
            blobs.append(out.ravel())
            offset += out.size
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.concatenate(blobs).astype("<f4").tofile(os.path.join(OUT, "pillow.bin"))


if __name__ == "__main__":
    main()
