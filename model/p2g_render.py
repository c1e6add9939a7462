"""Float64 numpy reference of the field equation in shared/DESIGN.md ("The Gaussian field,
version 1"). The model scripts use it to check what they build; the Java and CUDA renderers
have their own references, written from the same text.

Arrays follow the ONNX output layout without the batch axis: offset [2, kH, kW] (dx, dy),
cholesky [3, kH, kW] (l11, l21, l22), color [3, kH, kW] (r, g, b), in LR pixels.

This is a gather renderer: every output pixel visits the anchors within the field's reach of
it. The reach is computed from the field itself (largest offset and largest standard
deviation actually present), not from model metadata, so a field that breaks its own
metadata bounds still renders exactly.
"""

import math

import numpy as np

TAU = 1.0 / 255.0
# Mahalanobis q at which exp(-q/2) = TAU: the weight is exactly 0 on and beyond it.
Q_CUTOFF = 2.0 * math.log(255.0)
# Output-pixel footprint (standard deviation, output pixels) convolved into downscales.
ANTI_ALIAS_RHO = 0.5
# |l11 * l22| below this is a zero-area Gaussian: it contributes nothing.
MIN_CHOLESKY_DET = 1e-12


def output_size(size, scale):
    """W' = max(1, floor(W * s + 1/2)): round half up."""
    return max(1, int(math.floor(size * scale + 0.5)))


def covariances(cholesky, sx, sy, anti_alias=True):
    """Sigma' entries (s00, s01, s11), colour gain and validity mask per Gaussian.

    Anti-aliasing widens each Gaussian by the output pixel footprint on every axis whose
    effective ratio (W'/W or H'/H) is below 1, and scales the colour so the integral is kept.
    """
    l11, l21, l22 = (cholesky[i].astype(np.float64) for i in range(3))
    valid = np.abs(l11 * l22) >= MIN_CHOLESKY_DET
    s00 = l11 * l11
    s01 = l11 * l21
    s11 = l21 * l21 + l22 * l22
    det_before = s00 * s11 - s01 * s01
    if anti_alias and sx < 1:
        s00 = s00 + (ANTI_ALIAS_RHO / sx) ** 2
    if anti_alias and sy < 1:
        s11 = s11 + (ANTI_ALIAS_RHO / sy) ** 2
    det = s00 * s11 - s01 * s01
    safe_det = np.where(valid, det, 1.0)
    gain = np.where(valid, np.sqrt(np.where(valid, det_before, 0.0) / safe_det), 0.0)
    return s00, s01, s11, safe_det, gain, valid


def field_reach(offset, s00, s11, valid):
    """LR pixels from its anchor beyond which no Gaussian of this field has weight.

    The e = TAU contour of a Gaussian lies within sqrt(Q_CUTOFF * lambda_max) of its centre,
    and lambda_max <= max(s00, s11) + |s01| <= s00 + s11 (trace bound, cheap and safe).
    """
    if not valid.any():
        return 0.0
    max_offset = float(np.max(np.hypot(offset[0], offset[1])[valid]))
    max_trace = float(np.max((s00 + s11)[valid]))
    return max_offset + math.sqrt(Q_CUTOFF * max_trace)


def sums(offset, cholesky, color, k, width, height, scale_x, scale_y, anti_alias=True):
    """Unclamped field values at the output pixel centres, [3, H', W'] float64."""
    w2, h2 = output_size(width, scale_x), output_size(height, scale_y)
    sx, sy = w2 / width, h2 / height
    s00, s01, s11, det, gain, valid = covariances(cholesky, sx, sy, anti_alias)
    col = color.astype(np.float64) * gain[None]
    off = offset.astype(np.float64)
    reach = field_reach(off, s00, s11, valid)

    px = (np.arange(w2) + 0.5) / sx
    py = (np.arange(h2) + 0.5) / sy
    # Nearest anchor index below each sample; anchors within reach lie within +-span of it.
    a0 = np.floor(px * k - 0.5).astype(np.int64)
    b0 = np.floor(py * k - 0.5).astype(np.int64)
    span = int(math.ceil(reach * k)) + 1
    gw, gh = k * width, k * height

    out = np.zeros((3, h2, w2))
    for db in range(-span, span + 1):
        b = b0 + db
        b_ok = (b >= 0) & (b < gh)
        bc = np.clip(b, 0, gh - 1)
        for da in range(-span, span + 1):
            a = a0 + da
            a_ok = (a >= 0) & (a < gw)
            ac = np.clip(a, 0, gw - 1)
            ok = b_ok[:, None] & a_ok[None, :] & valid[bc[:, None], ac[None, :]]
            if not ok.any():
                continue
            _accumulate(out, ok, bc, ac, px, py, k, off, s00, s01, s11, det, col)
    return out


def _accumulate(out, ok, bc, ac, px, py, k, off, s00, s01, s11, det, col):
    """Adds the weights of the anchors at grid positions (bc[v], ac[u]) to every output pixel."""
    idx = (bc[:, None], ac[None, :])
    mx = (ac[None, :] + 0.5) / k + off[0][idx]
    my = (bc[:, None] + 0.5) / k + off[1][idx]
    dx = px[None, :] - mx
    dy = py[:, None] - my
    q = (s11[idx] * dx * dx - 2.0 * s01[idx] * dx * dy + s00[idx] * dy * dy) / det[idx]
    w = np.maximum(0.0, np.exp(-0.5 * q) - TAU) / (1.0 - TAU)
    w = np.where(ok, w, 0.0)
    for ch in range(3):
        out[ch] += col[ch][idx] * w


def render(offset, cholesky, color, k, width, height, scale_x, scale_y=None, anti_alias=True):
    """The rendered image, [3, H', W'] float64 clamped to [0, 1]."""
    if scale_y is None:
        scale_y = scale_x
    raw = sums(offset, cholesky, color, k, width, height, scale_x, scale_y, anti_alias)
    return np.clip(raw, 0.0, 1.0)


def render_brute(offset, cholesky, color, k, width, height, scale_x, scale_y=None,
                 anti_alias=True):
    """Every Gaussian at every pixel, no reach: the check on `render` for tiny fields."""
    if scale_y is None:
        scale_y = scale_x
    w2, h2 = output_size(width, scale_x), output_size(height, scale_y)
    sx, sy = w2 / width, h2 / height
    s00, s01, s11, det, gain, valid = covariances(cholesky, sx, sy, anti_alias)
    px = (np.arange(w2) + 0.5) / sx
    py = (np.arange(h2) + 0.5) / sy
    out = np.zeros((3, h2, w2))
    for b, a in zip(*np.nonzero(valid)):
        dx = px[None, :] - ((a + 0.5) / k + offset[0, b, a])
        dy = py[:, None] - ((b + 0.5) / k + offset[1, b, a])
        q = (s11[b, a] * dx * dx - 2 * s01[b, a] * dx * dy + s00[b, a] * dy * dy) / det[b, a]
        w = np.maximum(0.0, np.exp(-0.5 * q) - TAU) / (1.0 - TAU)
        out += color[:, b, a, None, None] * gain[b, a] * w[None]
    return np.clip(out, 0.0, 1.0)


def _self_check():
    """Gather and brute force agree on a random field with offsets, shears and downscales."""
    rng = np.random.default_rng(7)
    k, w, h = 2, 5, 4
    offset = rng.uniform(-0.6, 0.6, (2, k * h, k * w))
    cholesky = np.stack([rng.uniform(0.2, 1.2, (k * h, k * w)),
                         rng.uniform(-0.5, 0.5, (k * h, k * w)),
                         rng.uniform(0.2, 1.2, (k * h, k * w))])
    cholesky[0, 0, 0] = 0.0  # a degenerate Gaussian must be skipped by both
    color = rng.uniform(-0.3, 0.8, (3, k * h, k * w))
    for sx, sy in [(1, 1), (2.5, 3.5), (0.5, 0.7), (0.4, 2.0), (1.7, 0.3)]:
        a = render(offset, cholesky, color, k, w, h, sx, sy)
        b = render_brute(offset, cholesky, color, k, w, h, sx, sy)
        err = float(np.max(np.abs(a - b)))
        assert err < 1e-12, (sx, sy, err)
    print("p2g_render self-check: gather == brute force")


if __name__ == "__main__":
    _self_check()
