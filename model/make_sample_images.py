"""Writes the sample images under sample-data/images/ (reproducibly, from Debian's
plasma-workspace-wallpapers package and from numpy).

They cover what the job must decode: JPEG, 8-bit RGB PNG, 8-bit grey PNG, 16-bit RGB PNG,
palette PNG, RGBA PNG with varying alpha, square and non-square, 96..512 px, and a nested
folder so recursive listing is exercised. Run `bash model/setup.sh` first.

Usage: /usr/bin/python3 model/make_sample_images.py [--out sample-data/images]
"""

import argparse
import os

import numpy as np
from PIL import Image

import p2g_images

WALLPAPERS = "/usr/share/wallpapers"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "sample-data", "images")


def wallpaper(name, size_name, expected=(2560, 1600)):
    """A wallpaper file; crop boxes below are in its pixels (the files named 1280x800 hold
    2560x1600 pixels), so a package that changes them fails here rather than cropping
    something else."""
    im = Image.open(os.path.join(WALLPAPERS, name, "contents", "images", size_name))
    if im.size != expected:
        raise SystemExit(f"{name}/{size_name} is {im.size}, expected {expected}")
    return im


def crop_resize(im, box, size):
    """Crops box (l, t, r, b) and resizes with Lanczos: real detail, no upscaling."""
    return im.crop(box).resize(size, Image.LANCZOS, reducing_gap=None)


def evening_glow(out):
    # Whole frame, non-square: boats and sky give edges plus smooth gradients.
    im = wallpaper("EveningGlow", "1280x800.jpg").convert("RGB")
    crop_resize(im, (0, 0, 2560, 1600), (512, 320)).save(
        os.path.join(out, "evening-glow.jpg"), quality=90, optimize=True)


def colorful_cups(out):
    im = wallpaper("ColorfulCups", "2560x1600.jpg").convert("RGB")
    crop_resize(im, (700, 300, 1700, 1300), (256, 256)).save(
        os.path.join(out, "colorful-cups.png"), optimize=True)


def grey_weave(out):
    # 8-bit grey PNG (mode L): the decoder must replicate grey to RGB.
    im = wallpaper("Grey", "1280x800.jpg").convert("L")
    crop_resize(im, (160, 0, 1120, 720), (320, 240)).save(
        os.path.join(out, "grey-weave.png"), optimize=True)


def fallen_leaf_16bit(out):
    # Downscaled in float so the 16-bit values carry real sub-8-bit precision.
    im = wallpaper("FallenLeaf", "1280x800.jpg").convert("RGB")
    src = np.asarray(im.crop((1340, 560, 2300, 1200)), dtype=np.float64)
    small = box_downscale(src, 4)  # 960x640 -> 240x160
    rgb16 = np.round(small / 255.0 * 65535.0).astype(np.uint16)
    p2g_images.write_png16(os.path.join(out, "fallen-leaf-16bit.png"), rgb16)


def box_downscale(img, factor):
    h, w, c = img.shape
    h2, w2 = h // factor, w // factor
    blocks = img[:h2 * factor, :w2 * factor].reshape(h2, factor, w2, factor, c)
    return blocks.mean(axis=(1, 3))


def moss(out):
    im = wallpaper("OneStandsOut", "1280x800.jpg").convert("RGB")
    path = os.path.join(out, "nested", "moss.jpg")
    crop_resize(im, (440, 200, 1040, 650), (200, 150)).save(path, quality=85)


def konqui_palette(out):
    # Palette PNG (mode P) without dithering: flat areas and hard colour steps.
    im = wallpaper("FlyingKonqui", "1280x800.png").convert("RGB")
    small = crop_resize(im, (1490, 100, 2270, 1140), (180, 240))
    pal = small.quantize(colors=48, method=Image.MEDIANCUT, dither=Image.NONE)
    pal.save(os.path.join(out, "nested", "deeper", "konqui-palette.png"), optimize=True)


def badge_rgba(out):
    """Procedural RGBA: soft-edged disc, a transparent ring and a half-transparent band.

    Fully transparent pixels hold bright green on purpose: a decoder that ignores alpha
    instead of compositing over black shows it.
    """
    n = 160
    y, x = np.mgrid[0:n, 0:n] + 0.5
    cx = cy = n / 2
    r = np.hypot(x - cx, y - cy)
    angle = np.arctan2(y - cy, x - cx)
    rgb = np.stack([0.5 + 0.5 * np.cos(angle),
                    0.5 + 0.5 * np.cos(angle - 2.1),
                    0.5 + 0.5 * np.cos(angle + 2.1)], axis=-1)
    rgb *= np.clip(1.2 - r / 90.0, 0.3, 1.0)[..., None]
    disc = np.clip((72.0 - r) / 6.0, 0.0, 1.0)
    ring = np.clip(np.abs(r - 40.0) / 3.0 - 1.0, 0.0, 1.0)
    band = np.where(np.abs((x - y) / np.sqrt(2)) < 12.0, 0.5, 1.0)
    alpha = disc * ring * band
    rgb[alpha == 0] = (0.0, 1.0, 0.0)
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1)
    Image.fromarray(np.round(rgba * 255).astype(np.uint8), "RGBA").save(
        os.path.join(out, "badge-rgba.png"), optimize=True)


def test_card(out):
    """Procedural stress test: pixel checkerboard (Nyquist), zone plate, bars, thin lines."""
    w, h = 128, 96
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    img[:] = (x / (w - 1))[..., None] * np.array([0.9, 0.6, 0.2]) + 0.05
    checker = ((x.astype(int) + y.astype(int)) % 2).astype(np.float64)
    img[:32, :32] = checker[:32, :32, None]
    zy, zx = y[:48, 64:] - 24, x[:48, 64:] - 96
    img[:48, 64:] = (0.5 + 0.5 * np.cos(0.04 * (zx ** 2 + zy ** 2)))[..., None]
    bars = np.array([[1, 1, 1], [1, 1, 0], [0, 1, 1], [0, 1, 0], [1, 0, 1], [1, 0, 0],
                     [0, 0, 1], [0, 0, 0]], np.float64)
    img[56:80, :64] = bars[(x[56:80, :64] // 8).astype(int)]
    img[84:86, 8:120] = 1.0
    img[60:92, 96] = (1.0, 0.0, 0.0)
    Image.fromarray(np.round(np.clip(img, 0, 1) * 255).astype(np.uint8), "RGB").save(
        os.path.join(out, "test-card.png"), optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = os.path.normpath(parser.parse_args().out)
    os.makedirs(os.path.join(out, "nested", "deeper"), exist_ok=True)
    for make in (evening_glow, colorful_cups, grey_weave, fallen_leaf_16bit, moss,
                 konqui_palette, badge_rgba, test_card):
        make(out)
    total = 0
    for rel in p2g_images.list_images(out):
        path = os.path.join(out, rel)
        size = os.path.getsize(path)
        total += size
        with Image.open(path) as im:
            print(f"{rel:36s} {im.size[0]:4d}x{im.size[1]:<4d} {im.mode:6s} {size:8d} B")
    print(f"total {total} B")


if __name__ == "__main__":
    main()
