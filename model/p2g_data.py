"""Training and validation images for the default model, from Debian's wallpaper packages only.

Sources (installed by setup.sh): plasma-workspace-wallpapers (/usr/share/wallpapers/<Name>/,
one picture in several sizes: the largest is taken), gnome-backgrounds and lomiri-wallpapers*
(/usr/share/backgrounds/, raster files only; gnome's light/dark pairs count as one picture).
The split is by picture name, fixed (a hash), so validation pictures are never trained on.
"""

import hashlib
import math
import os
import re

import numpy as np
from PIL import Image

PLASMA = "/usr/share/wallpapers"
BACKGROUNDS = "/usr/share/backgrounds"
RASTER = (".jpg", ".jpeg", ".png", ".webp")
# Wallpapers are often upscaled or heavily compressed at full size; capping the long side
# trains on cleaner detail and keeps all pictures in memory.
MAX_SIDE = 2048
VALIDATION_PERCENT = 20


def pictures():
    """{picture name: path of its largest raster file}, sorted by name."""
    found = {}
    if os.path.isdir(PLASMA):
        for name in sorted(os.listdir(PLASMA)):
            folder = os.path.join(PLASMA, name, "contents", "images")
            if not os.path.isdir(folder):
                continue
            files = [os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(RASTER)]
            if files:
                found["plasma/" + name] = max(files, key=_pixels)
    for root, _, files in os.walk(BACKGROUNDS):
        for f in sorted(files):
            if f.lower().endswith(RASTER):
                stem = re.sub(r"-[ld]$", "", os.path.splitext(f)[0])
                path = os.path.join(root, f)
                key = "backgrounds/" + os.path.relpath(os.path.join(root, stem), BACKGROUNDS)
                if key not in found or _pixels(path) > _pixels(found[key]):
                    found[key] = path
    return dict(sorted(found.items()))


def is_validation(name):
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 100 < VALIDATION_PERCENT


def split():
    """(training paths, validation paths) by picture."""
    train, val = [], []
    for name, path in pictures().items():
        (val if is_validation(name) else train).append((name, path))
    return train, val


def load(path):
    """RGB uint8 [H, W, 3], long side capped at MAX_SIDE with a Lanczos (area-like) filter."""
    with Image.open(path) as im:
        im = im.convert("RGB")
        long_side = max(im.size)
        if long_side > MAX_SIDE:
            f = MAX_SIDE / long_side
            im = im.resize((max(1, round(im.width * f)), max(1, round(im.height * f))), Image.LANCZOS)
        return np.asarray(im, dtype=np.uint8).copy()


def hr_size(lr_size, scale):
    """The renderer's output size for a scale: floor(W * s + 1/2)."""
    return max(1, int(math.floor(lr_size * scale + 0.5)))


def degrade(hr, lr_w, lr_h):
    """Bicubic (antialiased) downscale of an HR uint8 crop to the LR size, kept 8-bit."""
    return np.asarray(Image.fromarray(hr).resize((lr_w, lr_h), Image.BICUBIC), dtype=np.uint8)


def _pixels(path):
    try:
        with Image.open(path) as im:
            return im.width * im.height
    except OSError:
        return 0
