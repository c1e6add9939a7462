"""Image I/O for the model tooling, following the model contract in shared/DESIGN.md:
RGB in [0, 1], 8-bit values / 255, 16-bit values / 65535, grey replicated to RGB, and alpha
composited over black (premultiplied), as the job decodes images.

Pillow 9 reads 16-bit RGB PNGs as 8-bit RGB, so those are written and read here with a small
PNG codec of our own (zlib + chunk framing) to keep all 16 bits.
"""

import math
import struct
import zlib

import numpy as np
from PIL import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_png16(path, rgb16):
    """Writes uint16 [H, W, 3] as a 16-bit RGB PNG (colour type 2, bit depth 16)."""
    h, w, _ = rgb16.shape
    rows = np.ascontiguousarray(rgb16.astype(">u2").reshape(h, w * 3)).view(np.uint8)
    # Filter type 1 (Sub) per row: byte minus the byte 6 earlier (one pixel), mod 256;
    # photographic 16-bit data compresses noticeably better than unfiltered.
    sub = rows.copy()
    sub[:, 6:] = rows[:, 6:] - rows[:, :-6]
    raw = np.concatenate([np.ones((h, 1), np.uint8), sub], axis=1).tobytes()
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(PNG_SIGNATURE)
        f.write(_chunk(b"IHDR", ihdr))
        f.write(_chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(_chunk(b"IEND", b""))


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_header(path):
    """(width, height, bit depth, colour type) of a PNG, or None for other files."""
    with open(path, "rb") as f:
        head = f.read(33)
    if not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    w, h, depth, ctype = struct.unpack(">IIBB", head[16:26])
    return w, h, depth, ctype


def read_png16_rgb(path):
    """Reads a non-interlaced 16-bit RGB or RGBA PNG as float64 [H, W, C] in [0, 1]."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = header
    if depth != 16 or ctype not in (2, 6) or interlace:
        raise ValueError(f"{path}: not a plain 16-bit RGB(A) PNG")
    channels = 3 if ctype == 2 else 4
    bpp = 2 * channels
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * bpp)
    rows = _unfilter(raw[:, 0], raw[:, 1:].astype(np.int64), bpp)
    values = rows.astype(np.uint8).view(">u2").reshape(h, w, channels)
    return values.astype(np.float64) / 65535.0


def _unfilter(kinds, rows, bpp):
    """Undoes PNG scanline filters (rows as int64 bytes, [H, stride])."""
    out = np.zeros_like(rows)
    prev = np.zeros(rows.shape[1], np.int64)
    for y, kind in enumerate(kinds):
        cur = rows[y].copy()
        if kind == 2:
            cur = (cur + prev) % 256
        elif kind != 0:
            for x in range(cur.size):
                left = cur[x - bpp] if x >= bpp else 0
                up = prev[x]
                up_left = prev[x - bpp] if x >= bpp else 0
                cur[x] = (cur[x] + _predict(kind, left, up, up_left)) % 256
        out[y] = cur
        prev = cur
    return out


def _predict(kind, left, up, up_left):
    if kind == 1:
        return left
    if kind == 3:
        return (left + up) // 2
    p = left + up - up_left  # Paeth
    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
    if pa <= pb and pa <= pc:
        return left
    return up if pb <= pc else up_left


def load_rgb(path):
    """The model's input for an image file: float64 [H, W, 3] in [0, 1], premultiplied."""
    header = png_header(path)
    if header is not None and header[2] == 16 and header[3] in (2, 6):
        pixels = read_png16_rgb(path)
    else:
        pixels = _load_with_pillow(path)
    if pixels.shape[2] == 4:
        pixels = pixels[:, :, :3] * pixels[:, :, 3:4]
    return pixels


def _load_with_pillow(path):
    im = Image.open(path)
    im.load()
    if im.mode in ("I;16", "I;16B", "I"):
        grey = np.asarray(im, dtype=np.float64) / 65535.0
        return np.repeat(grey[:, :, None], 3, axis=2)
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "LA":
        im = im.convert("RGBA")
    elif im.mode not in ("RGB", "RGBA", "L"):
        im = im.convert("RGB")
    pixels = np.asarray(im, dtype=np.float64) / 255.0
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)
    return pixels


def quantise8(img):
    """What an 8-bit output file holds, back on the [0, 1] scale."""
    return np.round(np.clip(img, 0.0, 1.0) * 255.0) / 255.0


def psnr(a, b):
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(1.0 / mse)


def list_images(root):
    """Every image file under root, recursively, as sorted relative paths."""
    import os
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name.lower().endswith(IMAGE_SUFFIXES):
                found.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(found)
