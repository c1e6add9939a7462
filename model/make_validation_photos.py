#!/usr/bin/python3
"""The held-out photos of the pyramid-level quality benchmark (dev.p2g.bench.LevelQualityBenchmark).

Every validation picture of p2g_data.split() (never trained on) that is a photograph, brought to
a long side of 1,024 pixels with Pillow's Lanczos (the packages' full sizes are often upscaled or
heavily compressed) and centre-cropped to 480 x 480, written as 8-bit RGB PNG:

  /usr/bin/python3 model/make_validation_photos.py [out folder, default model/build/validation-480]

The gnome 'pixels' and 'truchet' pictures and Ubuntu's 'warty-final' are drawings, not photos,
and are left out.
"""
import os
import sys

from PIL import Image

import p2g_data

SIDE = 480
LONG_SIDE = 1024
DRAWINGS = {"backgrounds/gnome/pixels", "backgrounds/gnome/truchet", "backgrounds/warty-final-ubuntu"}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "build", "validation-480")
    os.makedirs(out, exist_ok=True)
    _, validation = p2g_data.split()
    for name, path in validation:
        if name in DRAWINGS:
            continue
        with Image.open(path) as im:
            im = im.convert("RGB")
            f = LONG_SIDE / max(im.size)
            im = im.resize((round(im.width * f), round(im.height * f)), Image.LANCZOS)
            x, y = (im.width - SIDE) // 2, (im.height - SIDE) // 2
            im.crop((x, y, x + SIDE, y + SIDE)).save(os.path.join(out, name.split("/")[-1] + ".png"))
    print("wrote", len(os.listdir(out)), "photos to", out)


if __name__ == "__main__":
    main()
