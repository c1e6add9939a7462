"""The training degradation without Pillow: Pillow's antialiased bicubic downscale of 8-bit
images, bit for bit, in PyTorch (batched, on any device).

Pillow (9.x, Resample.c) resizes across, rounds to 8 bits, then down. Per axis, output u of an
in -> out resize is centred at (u + 0.5) in / out; the Keys cubic (a = -0.5) is stretched by
max(1, in / out) and its taps over the inputs that exist are normalised to 1, then turned into
22-bit fixed point (round half away from zero); a pass sums pixel x tap plus half an output
step, shifts right by 22 bits and clips to [0, 255]. Every such sum is an integer below 2^53, so
float64 matrix products give Pillow's integers exactly. The GPU training recipe uses this
(the device has no Pillow); `python3 p2g_resize.py` checks it against Pillow.
"""

import math

import torch

PRECISION_BITS = 32 - 8 - 2
SUPPORT = 2.0


def keys_cubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def axis_taps(size_in, size_out):
    """[size_out, size_in] float64: Pillow's fixed-point bicubic taps of one axis, as integers."""
    scale = size_in / size_out
    filterscale = max(scale, 1.0)
    support = SUPPORT * filterscale
    taps = torch.zeros(size_out, size_in, dtype=torch.float64)
    for u in range(size_out):
        centre = (u + 0.5) * scale
        lo = max(int(centre - support + 0.5), 0)
        hi = min(int(centre + support + 0.5), size_in)
        w = [keys_cubic((x - centre + 0.5) / filterscale) for x in range(lo, hi)]
        total = sum(w)
        for x, wx in zip(range(lo, hi), w):
            v = wx / total if total != 0 else 0.0
            taps[u, x] = math.floor(0.5 + v * (1 << PRECISION_BITS)) if v >= 0 \
                else math.ceil(-0.5 + v * (1 << PRECISION_BITS))
    return taps


def _pass(x, taps):
    """Resizes the last axis of x (float64 integers in [0, 255]) with fixed-point taps."""
    acc = x @ taps.t() + float(1 << (PRECISION_BITS - 1))
    return torch.floor(acc / float(1 << PRECISION_BITS)).clamp(0, 255)


_CACHE = {}


def _taps(size_in, size_out, device):
    key = (size_in, size_out, str(device))
    if key not in _CACHE:
        _CACHE[key] = axis_taps(size_in, size_out).to(device)
    return _CACHE[key]


def bicubic_downscale(images, out_h, out_w):
    """uint8 [N, C, H, W] to uint8 [N, C, out_h, out_w], as Pillow's resize(BICUBIC) of each image."""
    n, c, h, w = images.shape
    x = images.to(torch.float64)
    if out_w != w:
        x = _pass(x, _taps(w, out_w, images.device))
    if out_h != h:
        x = _pass(x.transpose(2, 3), _taps(h, out_h, images.device)).transpose(2, 3)
    return x.to(torch.uint8)


def _self_check():
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(3)
    worst = 0
    for side in (48, 50, 72, 89, 96, 120):
        for out in (24, 17, 31):
            base = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
            smooth = np.asarray(Image.fromarray(base).resize((side // 3, side // 3)).resize((side, side),
                                                                                             Image.BICUBIC))
            for img in (base, smooth):
                want = np.asarray(Image.fromarray(img).resize((out, out), Image.BICUBIC))
                got = bicubic_downscale(torch.from_numpy(img).permute(2, 0, 1)[None], out, out)[0]
                worst = max(worst, int(np.abs(got.permute(1, 2, 0).numpy().astype(int) - want.astype(int)).max()))
    print(f"max |torch - Pillow| = {worst} levels (random and smooth crops, 48-120 px to 17-31 px)")
    if worst:
        raise SystemExit("p2g_resize.bicubic_downscale differs from Pillow's bicubic resize")


if __name__ == "__main__":
    _self_check()
