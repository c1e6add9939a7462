"""PyTorch side of the trained default model: the network and a differentiable renderer.

The renderer implements the field equation of docs/design.md ("The Gaussian field, version 1")
exactly: anchors at ((a+0.5)/k, (b+0.5)/k), samples at output pixel centres ((u+0.5)/sx,
(v+0.5)/sy), weight max(0, e - tau) / (1 - tau), the sum clamped to [0, 1]. It gathers, for every
output pixel, the anchors within the model's reach (max_offset + sqrt(2 ln 255) * max_sigma),
so training optimises what the Java renderer draws. Downscales are not trained, so their
Lanczos3 reduction is left to the Java renderer and p2g_render.py.

The network follows the ideas of the Pixel-to-Gaussian paper (ContinuousSR, CVPR 2025) in our own
form: a residual CNN encoder on the LR image, a colour head (residual on the LR pixel), covariances
as a softmax-weighted mix of a fixed dictionary of Cholesky factors (the "Deep Gaussian Prior"
idea: pick among plausible shapes instead of regressing them), and tanh-bounded offsets around
the anchors ("adaptive position drifting").
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TAU = 1.0 / 255.0
Q_CUTOFF = 2.0 * math.log(255.0)
INIT_SIGMA = 0.68
INIT_LOGIT = 8.0
PREFILTER_SIZE = 7
# Anchor spacings around an anchor within which the initial Gaussian has weight:
# sqrt(2 ln 255) * INIT_SIGMA = 2.26.
BORDER_RADIUS = 3
# Correction steps at the border: one leaves the outermost ring of an x2 render 2.9 levels dark
# on average, two 0.4 (validation crops, untrained model).
BORDER_STEPS = 2


def cholesky_dictionary(sigmas, ratios, angles):
    """Cholesky triplets (l11, l21, l22) of Sigma = R diag(s^2, (r s)^2) R^T over a grid of shapes.

    Isotropic entries once per sigma, anisotropic ones (ratio < 1) at every angle in [0, pi).
    Every l11 and l22 is positive, so any convex mix of the triplets is a valid Cholesky factor
    whose largest singular value is at most max(sigmas) (the spectral norm is convex).
    """
    entries = []
    for s in sigmas:
        shapes = [(1.0, 0.0)] + [(r, math.pi * i / angles) for r in ratios if r < 1 for i in range(angles)]
        for r, theta in shapes:
            c, n = math.cos(theta), math.sin(theta)
            a, b = s * s, (r * s) ** 2
            s00 = c * c * a + n * n * b
            s01 = c * n * (a - b)
            s11 = n * n * a + c * c * b
            l11 = math.sqrt(s00)
            l21 = s01 / l11
            l22 = math.sqrt(max(s11 - l21 * l21, 1e-12))
            entries.append((l11, l21, l22))
    return torch.tensor(entries, dtype=torch.float32)  # [M, 3]


class ResBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.a = nn.Conv2d(channels, channels, 3, padding=1, padding_mode="replicate")
        self.b = nn.Conv2d(channels, channels, 3, padding=1, padding_mode="replicate")

    def forward(self, x):
        return x + self.b(F.relu(self.a(x)))


class GaussianEncoder(nn.Module):
    """LR image [N, 3, H, W] in [0, 1] to the field's three outputs on the k x k anchor grid."""

    def __init__(self, k=1, channels=48, blocks=4, sigmas=(0.25, 0.4, 0.55, 0.68),
                 ratios=(0.5, 0.25), angles=8, max_offset=0.5):
        """sigmas and max_offset are in units of the anchor spacing (1/k LR pixels)."""
        super().__init__()
        self.k = k
        self.max_offset = max_offset / k  # per axis, LR pixels
        self.register_buffer("dictionary", cholesky_dictionary([x / k for x in sigmas], ratios, angles))
        m = self.dictionary.shape[0]
        # Zero padding here (replicate elsewhere): the encoder must know where the image ends,
        # because outside it there are no Gaussians and the border Gaussians have to make up.
        self.head_in = nn.Conv2d(3, channels, 3, padding=1)
        self.body = nn.Sequential(*[ResBlock(channels) for _ in range(blocks)])
        self.to_color = nn.Conv2d(channels, 3 * k * k, 3, padding=1, padding_mode="replicate")
        self.to_offset = nn.Conv2d(channels, 2 * k * k, 3, padding=1, padding_mode="replicate")
        self.to_shape = nn.Conv2d(channels, m * k * k, 3, padding=1, padding_mode="replicate")
        # Start as a good Gaussian interpolator, so no output saturates the clamp (which would
        # stop its gradient) and training refines rather than discovers: every Gaussian the
        # isotropic dictionary entry nearest INIT_SIGMA, no drift, and colours from a trainable
        # depthwise prefilter initialised to the inverse of that Gaussian's sampled kernel.
        for head in (self.to_color, self.to_offset, self.to_shape):
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)
        init_entry = int(torch.argmin((self.dictionary[:, 0] * k - INIT_SIGMA).abs()
                                      + 10 * (self.dictionary[:, 1]).abs()
                                      + 10 * (self.dictionary[:, 0] - self.dictionary[:, 2]).abs()))
        with torch.no_grad():
            self.to_shape.bias.view(m, k * k)[init_entry] = INIT_LOGIT
        # The Gaussian the initial softmax actually mixes (not quite the entry: the others keep a
        # little weight, and the field's gain moves with the shape), in units of anchor spacing.
        init_weights = torch.softmax(self.to_shape.bias.view(m, k * k)[:, 0].detach(), dim=0)
        l11, l21, l22 = (init_weights @ self.dictionary).tolist()
        init_cov = torch.tensor([[l11 * l11, l11 * l21], [l11 * l21, l21 * l21 + l22 * l22]],
                                dtype=torch.float64) * (k * k)
        self.prefilter = nn.Conv2d(3, 3, PREFILTER_SIZE, padding=PREFILTER_SIZE // 2,
                                   padding_mode="replicate", groups=3, bias=False)
        # With k > 1 the anchors between LR pixel centres start from a bicubic interpolation
        # of the image (a trainable depthwise conv per sub-anchor, then pixel shuffle).
        self.upsample = None
        if k > 1:
            self.upsample = nn.Conv2d(3, 3 * k * k, 5, padding=2, padding_mode="replicate",
                                      groups=3, bias=False)
            with torch.no_grad():
                self.upsample.weight.copy_(bicubic_subpixel_taps(k).repeat(3, 1, 1, 1))
        with torch.no_grad():
            self.prefilter.weight.copy_(inverse_kernel(init_cov, PREFILTER_SIZE).expand(3, 1, -1, -1))
        # Beyond the image there are no Gaussians, so near the border the sum of the initial
        # kernel over the anchors that exist falls (to 0.79 per axis at the outermost anchor):
        # without a correction the outermost output pixels came out 20-37 levels dark (measured
        # on the validation crops). _border_corrected hands the missing Gaussians' share to the
        # ones inside. Fixed buffers (not trained, not saved): they follow from the constants.
        kernel = sampled_kernel(init_cov, BORDER_RADIUS)
        self.register_buffer("border_kernel", (kernel / kernel.sum()).float().expand(3, 1, -1, -1).clone(),
                             persistent=False)
        step = self.prefilter.weight.detach().clone()
        self.register_buffer("border_step", step / step.sum(dim=(2, 3), keepdim=True), persistent=False)

        self.max_sigma = dictionary_max_sigma(self.dictionary)
        # The offsets are bounded per axis; the contract's max_offset bounds their length.
        self.max_offset_norm = self.max_offset * math.sqrt(2.0)

    def forward(self, image):
        n, _, h, w = image.shape
        k = self.k
        feat = self.body(F.relu(self.head_in(image - 0.5)))
        base = image if k == 1 else F.pixel_shuffle(self.upsample(image), k)
        base = self.prefilter(base)
        base = self._border_corrected(base)
        color = base + self._grid(self.to_color(feat))
        offset = self.max_offset * torch.tanh(self._grid(self.to_offset(feat)))
        logits = self._grid(self.to_shape(feat))
        weights = torch.softmax(logits, dim=1)  # [N, M, kH, kW]
        cholesky = torch.einsum("nmhw,mc->nchw", weights, self.dictionary)
        return offset, cholesky, color

    def _border_corrected(self, color):
        """Colours whose field sums, at the anchors, what the field extended beyond the border
        with replicated colours would sum: two steps of c += P (t - K c), K the initial kernel
        with zero padding (what the renderer draws), P its approximate inverse, t = K applied to
        the replicated colours. Inside, t = K c and nothing changes. Near the border it also
        leaves the colours' sharpening alone (t is taken from them, not from the image)."""
        r = BORDER_RADIUS
        pad = PREFILTER_SIZE // 2
        target = F.conv2d(F.pad(color, (r, r, r, r), mode="replicate"), self.border_kernel, groups=3)
        for _ in range(BORDER_STEPS):
            miss = target - F.conv2d(color, self.border_kernel, padding=r, groups=3)
            color = color + F.conv2d(F.pad(miss, (pad, pad, pad, pad), mode="replicate"), self.border_step, groups=3)
        return color

    def _grid(self, x):
        """Channels [c * k * k] per LR pixel to c channels on the k x k anchor grid."""
        return F.pixel_shuffle(x, self.k) if self.k > 1 else x


def keys_cubic(d, a=-0.5):
    d = abs(d)
    if d < 1:
        return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
    if d < 2:
        return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
    return 0.0


def bicubic_subpixel_taps(k):
    """[k*k, 1, 5, 5]: bicubic (Keys, a = -0.5) weights of the 5x5 LR neighbourhood for each
    sub-anchor (sy, sx) of a pixel, at ((s + 0.5) / k - 0.5) LR pixels from its centre."""
    taps = torch.zeros(k * k, 1, 5, 5)
    for sy in range(k):
        for sx in range(k):
            oy, ox = (sy + 0.5) / k - 0.5, (sx + 0.5) / k - 0.5
            wy = torch.tensor([keys_cubic(oy - j) for j in range(-2, 3)])
            wx = torch.tensor([keys_cubic(ox - j) for j in range(-2, 3)])
            taps[sy * k + sx, 0] = (wy[:, None] * wx[None, :]) / (wy.sum() * wx.sum())
    return taps


def sampled_kernel(cov, radius):
    """K(d) = max(0, exp(-d^T cov^-1 d / 2) - tau) / (1 - tau) for integer d in [-radius, radius]^2,
    float64 [2 radius + 1, 2 radius + 1] (the weight one Gaussian gives the anchors around it)."""
    d = torch.arange(-radius, radius + 1, dtype=torch.float64)
    return _kernel(cov, d[:, None], d[None, :])


def _kernel(cov, dy, dx):
    inv = torch.linalg.inv(cov)
    q = inv[0, 0] * dx * dx + 2 * inv[0, 1] * dx * dy + inv[1, 1] * dy * dy
    return torch.clamp(torch.exp(-0.5 * q) - TAU, min=0.0) / (1.0 - TAU)


def inverse_kernel(cov, size, grid=64):
    """FIR approximation of the inverse of the field's sampled kernel K(d) for one Gaussian of
    covariance cov per anchor (K(d) = max(0, exp(-d^T cov^-1 d / 2) - tau) / (1 - tau) over
    integer d), truncated to size x size and rescaled so that flat areas come back exactly."""
    r = torch.arange(grid, dtype=torch.float64)
    d = torch.where(r < grid / 2, r, r - grid)
    kernel = _kernel(cov, d[:, None], d[None, :])
    inverse = torch.fft.ifft2(1.0 / torch.fft.fft2(kernel)).real
    half = size // 2
    idx = [(i % grid) for i in range(-half, half + 1)]
    fir = inverse[idx][:, idx]
    fir = fir / (fir.sum() * kernel.sum())
    return fir.float()[None, None]


def dictionary_max_sigma(dictionary):
    """sqrt(largest eigenvalue of L L^T) over the dictionary, in float64."""
    worst = 0.0
    for l11, l21, l22 in dictionary.double().tolist():
        s = torch.tensor([[l11 * l11, l11 * l21], [l11 * l21, l21 * l21 + l22 * l22]], dtype=torch.float64)
        worst = max(worst, math.sqrt(float(torch.linalg.eigvalsh(s).max())))
    return worst


def reach(max_offset_norm, max_sigma):
    """LR pixels from its anchor beyond which a Gaussian of the model has no weight."""
    return max_offset_norm + math.sqrt(Q_CUTOFF) * max_sigma


def render(offset, cholesky, color, k, out_h, out_w, field_reach, clamp=True):
    """The field equation at the centres of an out_h x out_w image; [N, 3, out_h, out_w].

    Every output pixel visits the (2 span + 1)^2 anchors around the anchor just below it, span
    covering field_reach; anchors outside the grid are padding with zero colour. Exact for
    scales >= 1 (no anti-aliasing). The neighbourhoods are cut with unfold and picked per output
    row and column with index_select, whose gradients (fold, index_add over whole slices) are
    an order of magnitude cheaper than a per-pixel gather's.
    """
    n, _, gh, gw = color.shape
    dev = color.device
    h, w = gh // k, gw // k
    sx, sy = out_w / w, out_h / h
    span = int(math.ceil(field_reach * k))
    size = 2 * span + 1
    px = (torch.arange(out_w, device=dev, dtype=torch.float64) + 0.5) / sx
    py = (torch.arange(out_h, device=dev, dtype=torch.float64) + 0.5) / sy
    # The anchor just below each sample: -1 .. grid - 1 for samples inside the image.
    a0 = torch.floor(px * k - 0.5).long().clamp(-1, gw - 1)
    b0 = torch.floor(py * k - 0.5).long().clamp(-1, gh - 1)

    pad_value = torch.tensor([0, 0, 1, 0, 1, 0, 0, 0], dtype=color.dtype, device=dev).view(1, 8, 1, 1)
    params = torch.cat([offset, cholesky, color], dim=1)
    padded = pad_value.expand(n, 8, gh + 2 * span + 1, gw + 2 * span + 1).clone()
    padded[:, :, span + 1:span + 1 + gh, span + 1:span + 1 + gw] = params
    # windows[..., r, c] holds anchors (r - 1 - span .. r - 1 + span, c - 1 - span ..) of the grid.
    windows = F.unfold(padded, size).view(n, 8 * size * size, gh + 1, gw + 1)
    g = windows.index_select(2, b0 + 1).index_select(3, a0 + 1).view(n, 8, size * size, out_h, out_w)

    d = torch.arange(-span, span + 1, device=dev)
    ay = ((b0[None, :] + d[:, None]).float() + 0.5) / k  # [S, H']
    ax = ((a0[None, :] + d[:, None]).float() + 0.5) / k  # [S, W']
    # One unbind, not eight slices: each slice's gradient would be a zero-filled copy of g.
    ox, oy, l11, l21, l22, cr, cg, cb = (t.view(n, size, size, out_h, out_w) for t in g.unbind(1))
    dx = (px.float()[None, :] - ax).view(1, 1, size, 1, out_w) - ox
    dy = (py.float()[None, :] - ay).view(1, size, 1, out_h, 1) - oy
    # With Sigma = L L^T, d^T Sigma^-1 d = |L^-1 d|^2: one forward substitution, no inverse.
    z1 = dx / l11
    z2 = (dy - l21 * z1) / l22
    e = torch.exp(-0.5 * (z1 * z1 + z2 * z2))
    weight = torch.clamp(e - TAU, min=0.0) / (1.0 - TAU)
    value = torch.stack([(c * weight).sum(dim=(1, 2)) for c in (cr, cg, cb)], dim=1)
    return value.clamp(0.0, 1.0) if clamp else value


def render_field(model, image, out_h, out_w, clamp=True):
    """Encodes and renders in one go (training and evaluation); clamp=False gives the raw sums."""
    offset, cholesky, color = model(image)
    return render(offset, cholesky, color, model.k, out_h, out_w,
                  reach(model.max_offset_norm, model.max_sigma), clamp)


def _self_check():
    """The gather renderer against the float64 reference (p2g_render.py) on fields of an encoder
    with random heads: drifted offsets, mixed anisotropic shapes, colours outside [0, 1]."""
    import numpy as np
    import p2g_render
    torch.manual_seed(5)
    for k in (1, 2):
        model = GaussianEncoder(k=k, channels=8, blocks=1)
        with torch.no_grad():
            for head in (model.to_color, model.to_offset, model.to_shape):
                head.weight.normal_(0, 0.5)
                head.bias.normal_(0, 0.5)
            image = torch.rand(1, 3, 9, 13)
            offset, cholesky, color = model(image)
        field = [t[0].double().numpy() for t in (offset, cholesky, color)]
        worst = 0.0
        for sx, sy in ((1, 1), (2.5, 2.5), (3.7, 2), (4, 4)):
            want = p2g_render.sums(*field, k, 13, 9, sx, sy)
            got = render(offset, cholesky, color, k, want.shape[1], want.shape[2],
                         reach(model.max_offset_norm, model.max_sigma), clamp=False)[0].double().numpy()
            worst = max(worst, float(np.abs(got - want).max()))
        print(f"k={k}: max |torch - float64 reference| = {worst:.2e} (scales 1, 2.5, 3.7x2, 4)")
        if worst > 1e-5:
            raise SystemExit("p2g_torch.render disagrees with p2g_render.py")


if __name__ == "__main__":
    _self_check()
