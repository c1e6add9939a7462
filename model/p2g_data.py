"""Training and validation images for the default model, from Debian's wallpaper packages only.

Sources (installed by setup.sh): plasma-workspace-wallpapers (/usr/share/wallpapers/<Name>/,
one picture in several sizes: the largest is taken), gnome-backgrounds and lomiri-wallpapers*
(/usr/share/backgrounds/, raster files only; gnome's light/dark pairs count as one picture),
and since model v3 ukui-wallpapers (/usr/share/backgrounds/ too).
The validation pictures are a fixed list of names, never trained on: the 14 that a hash of the
name held out (20 %) among the pictures of the first three packages. Pictures added later all
train, so that validation figures stay comparable across model versions.
"""

import hashlib
import math
import os
import re

import numpy as np

PLASMA = "/usr/share/wallpapers"
BACKGROUNDS = "/usr/share/backgrounds"
RASTER = (".jpg", ".jpeg", ".png", ".webp")
# Wallpapers are often upscaled or heavily compressed at full size; capping the long side
# trains on cleaner detail and keeps all pictures in memory.
MAX_SIDE = 2048
# The hash rule below picked these 14 among the 59 pictures of plasma-workspace-wallpapers,
# gnome-backgrounds and lomiri-wallpapers; frozen when ukui-wallpapers joined (two of its
# pictures hash into the 20 %, and would have changed the validation set).
VALIDATION = frozenset([
    "backgrounds/Picture_0B_by_freespace", "backgrounds/aitzgorri_by_Aitzol_Berasategi",
    "backgrounds/gnome/pixels", "backgrounds/gnome/truchet",
    "backgrounds/picosdeeuropa_by_Aitzol_Berasategi", "backgrounds/umang_by_Abhishek_Mudgal",
    "backgrounds/warty-final-ubuntu", "plasma/BytheWater", "plasma/ColorfulCups",
    "plasma/FallenLeaf", "plasma/IceCold", "plasma/Path", "plasma/SafeLanding", "plasma/Volna",
])


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
    return name in VALIDATION


def hash_rule(name):
    """The rule that chose VALIDATION (20 % by a hash of the name), kept to show how."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 100 < 20


def split():
    """(training paths, validation paths) by picture."""
    train, val = [], []
    for name, path in pictures().items():
        (val if is_validation(name) else train).append((name, path))
    return train, val


def load(path):
    """RGB uint8 [H, W, 3], long side capped at MAX_SIDE with a Lanczos (area-like) filter."""
    from PIL import Image  # here, not above: the GPU recipe imports this module without Pillow
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
    """Bicubic (antialiased) downscale of an HR uint8 crop to the LR size, kept 8-bit (Pillow's;
    p2g_resize.bicubic_downscale gives the same bytes without Pillow)."""
    from PIL import Image
    return np.asarray(Image.fromarray(hr).resize((lr_w, lr_h), Image.BICUBIC), dtype=np.uint8)


def _pixels(path):
    from PIL import Image
    try:
        with Image.open(path) as im:
            return im.width * im.height
    except OSError:
        return 0
