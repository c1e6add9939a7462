"""Float64 numpy reference of the field equation in shared/DESIGN.md ("The Gaussian field,
version 1"). The model scripts use it to check what they build; the Java and CUDA renderers
have their own references, written from the same text.

Arrays follow the ONNX output layout without the batch axis: offset [2, kH, kW] (dx, dy),
cholesky [3, kH, kW] (l11, l21, l22), color [3, kH, kW] (r, g, b), in LR pixels.

This is a gather renderer: every sample visits the anchors within the field's reach of it.
A level below scale 1 samples its reduced axes at the LR pixel centres and reduces the clamped
samples with Lanczos3 stretched by REDUCTION_STRETCH (docs/design.md, "Downscales"). The reach is computed from the field itself (largest offset and largest standard
deviation actually present), not from model metadata, so a field that breaks its own
metadata bounds still renders exactly.
"""

import math

import numpy as np

TAU = 1.0 / 255.0
# Mahalanobis q at which exp(-q/2) = TAU: the weight is exactly 0 on and beyond it.
Q_CUTOFF = 2.0 * math.log(255.0)
# The Lanczos3 kernel that reduces levels below scale 1 is this much wider than the in/out ratio.
REDUCTION_STRETCH = 1.05
# |l11 * l22| below this is a zero-area Gaussian: it contributes nothing.
MIN_CHOLESKY_DET = 1e-12


def output_size(size, scale):
    """W' = max(1, floor(W * s + 1/2)): round half up."""
    return max(1, int(math.floor(size * scale + 0.5)))


def covariances(cholesky):
    """Sigma entries (s00, s01, s11), determinant (1 where degenerate) and validity mask per Gaussian."""
    l11, l21, l22 = (cholesky[i].astype(np.float64) for i in range(3))
    valid = np.abs(l11 * l22) >= MIN_CHOLESKY_DET
    s00 = l11 * l11
    s01 = l11 * l21
    s11 = l21 * l21 + l22 * l22
    det = s00 * s11 - s01 * s01
    return s00, s01, s11, np.where(valid, det, 1.0), valid


def sample_size(size, scale):
    """Samples on an axis: the output size, or the LR size where the axis is reduced."""
    return max(size, output_size(size, scale))


def lanczos3_weights(n, m):
    """[m, n] weights of an axis of n samples reduced to m <= n (identity when m == n)."""
    if m == n:
        return np.eye(n)
    centre = (np.arange(m) + 0.5) * n / m
    t = ((np.arange(n) + 0.5)[None, :] - centre[:, None]) * m / (REDUCTION_STRETCH * n)
    w = np.where(np.abs(t) < 3, np.sinc(t) * np.sinc(t / 3), 0.0)
    return w / w.sum(axis=1, keepdims=True)


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


def sums(offset, cholesky, color, k, width, height, scale_x, scale_y):
    """Unclamped field values at the samples of a level, [3, h, w] float64: the output pixel
    centres, or the LR pixel centres on an axis the level reduces."""
    w2, h2 = sample_size(width, scale_x), sample_size(height, scale_y)
    sx, sy = w2 / width, h2 / height
    s00, s01, s11, det, valid = covariances(cholesky)
    col = color.astype(np.float64)
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


def reduce(samples, width, height, scale_x, scale_y):
    """The clamped samples reduced to the level's size, clamped again: [3, H', W']."""
    wy = lanczos3_weights(samples.shape[1], output_size(height, scale_y))
    wx = lanczos3_weights(samples.shape[2], output_size(width, scale_x))
    return np.clip(np.einsum("vj,cji,ui->cvu", wy, np.clip(samples, 0.0, 1.0), wx), 0.0, 1.0)


def render(offset, cholesky, color, k, width, height, scale_x, scale_y=None):
    """The rendered image, [3, H', W'] float64 clamped to [0, 1]."""
    if scale_y is None:
        scale_y = scale_x
    raw = sums(offset, cholesky, color, k, width, height, scale_x, scale_y)
    return reduce(raw, width, height, scale_x, scale_y)


def render_brute(offset, cholesky, color, k, width, height, scale_x, scale_y=None):
    """Every Gaussian at every sample, no reach: the check on `render` for tiny fields."""
    if scale_y is None:
        scale_y = scale_x
    w2, h2 = sample_size(width, scale_x), sample_size(height, scale_y)
    sx, sy = w2 / width, h2 / height
    s00, s01, s11, det, valid = covariances(cholesky)
    px = (np.arange(w2) + 0.5) / sx
    py = (np.arange(h2) + 0.5) / sy
    out = np.zeros((3, h2, w2))
    for b, a in zip(*np.nonzero(valid)):
        dx = px[None, :] - ((a + 0.5) / k + offset[0, b, a])
        dy = py[:, None] - ((b + 0.5) / k + offset[1, b, a])
        q = (s11[b, a] * dx * dx - 2 * s01[b, a] * dx * dy + s00[b, a] * dy * dy) / det[b, a]
        w = np.maximum(0.0, np.exp(-0.5 * q) - TAU) / (1.0 - TAU)
        out += color[:, b, a, None, None] * w[None]
    return reduce(out, width, height, scale_x, scale_y)


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
