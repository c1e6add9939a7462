#!/usr/bin/python3
"""Validation table of a trained encoder against bicubic and Lanczos resampling.

For every held-out picture (p2g_data.split) and scale, three HR crops of floor(96 s + 1/2)
pixels (left, centre, right of the middle band) are degraded to 96 x 96 with a bicubic
downscale, then brought back to the HR size by (a) the model's field and the exact renderer,
(b) PIL's bicubic, (c) PIL's Lanczos resampling. All results are quantised to 8 bits; PSNR is
computed on the Y channel (ITU-R BT.601, as SR papers do) with ceil(s) pixels shaved off every
border, and averaged over crops; the last column compares the whole crops, border included
(where the field has no Gaussians beyond the edge). The second table looks at the border
alone: for each of the outermost HR pixel rings, the mean signed error (negative: too dark)
and the mean absolute error in 8-bit levels over all channels, against the interior's.

  /usr/bin/python3 model/evaluate.py model/build/default.pt [--scales 2,2.5,3,3.7,4]
  /usr/bin/python3 model/evaluate.py sample-data/model/default.onnx   # an exported model's weights
"""

import argparse
import json
import math

import numpy as np
import torch

import p2g_data
import p2g_torch

LR_SIDE = 96
CROPS = 3


def y_channel(rgb8):
    rgb = rgb8.astype(np.float64)
    return 16.0 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255.0


def psnr_y(a8, b8, shave):
    ya, yb = y_channel(a8), y_channel(b8)
    if shave:
        ya, yb = ya[shave:-shave, shave:-shave], yb[shave:-shave, shave:-shave]
    mse = np.mean((ya - yb) ** 2)
    return float("inf") if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)


def crops(img, side):
    h, w, _ = img.shape
    if h < side or w < side:
        return []
    y = (h - side) // 2
    xs = [0, (w - side) // 2, w - side][:CROPS]
    return [img[y:y + side, x:x + side] for x in xs]


RINGS = 4


def load_model(path):
    """(model, checkpoint) from a train.py checkpoint, or from an export_onnx.py model (rebuilt
    from its initialisers and its model.training metadata)."""
    if path.endswith(".onnx"):
        from gpu_model_check import rebuild
        model, meta, missing = rebuild(path)
        if missing:
            raise SystemExit(f"{path} lacks the weights {missing}")
        recipe = json.loads(meta["model.training"])
        config = {"k": model.k, "channels": recipe["channels"], "blocks": recipe["blocks"]}
        return model, {"config": config, "recipe": recipe, "state": model.state_dict()}
    ckpt = torch.load(path, map_location="cpu")
    model = p2g_torch.GaussianEncoder(**ckpt["config"])
    model.load_state_dict(ckpt["state"])
    model.eval()
    return model, ckpt


def model_upscale(model, lr8, out_side):
    x = torch.from_numpy(lr8.copy()).permute(2, 0, 1)[None].float() / 255.0
    with torch.no_grad():
        y = p2g_torch.render_field(model, x, out_side, out_side)[0]
    return np.clip(np.floor(y.permute(1, 2, 0).numpy() * 255.0 + 0.5), 0, 255).astype(np.uint8)


def ring_errors(ours8, hr8):
    """[(mean signed error, mean absolute error) for rings 1..RINGS, then the interior], in levels."""
    d = ours8.astype(np.float64) - hr8.astype(np.float64)
    side = d.shape[0]
    out = []
    for r in range(RINGS):
        ring = np.ones((side, side), bool)
        ring[r + 1:side - r - 1, r + 1:side - r - 1] = False
        ring[:r, :] = ring[side - r:, :] = ring[:, :r] = ring[:, side - r:] = False
        out.append((d[ring].mean(), np.abs(d[ring]).mean()))
    inner = d[RINGS:-RINGS, RINGS:-RINGS]
    out.append((inner.mean(), np.abs(inner).mean()))
    return out


def evaluate(model, scales, pictures, rings=None):
    """{scale: (model dB, bicubic dB, lanczos dB, model dB unshaved, bicubic dB unshaved, crops)};
    with a dict for rings, rings[scale] = ring_errors averaged over the crops."""
    from PIL import Image  # here, not above: the GPU recipe uses this module's helpers without Pillow
    table = {}
    for s in scales:
        ring_rows = []
        side = p2g_data.hr_size(LR_SIDE, s)
        shave = math.ceil(s)
        rows = []
        for img in pictures:
            for hr in crops(img, side):
                lr = p2g_data.degrade(hr, LR_SIDE, LR_SIDE)
                lr_im = Image.fromarray(lr)
                bicubic = np.asarray(lr_im.resize((side, side), Image.BICUBIC))
                lanczos = np.asarray(lr_im.resize((side, side), Image.LANCZOS))
                ours = model_upscale(model, lr, side)
                rows.append((psnr_y(hr, ours, shave), psnr_y(hr, bicubic, shave), psnr_y(hr, lanczos, shave),
                             psnr_y(hr, ours, 0), psnr_y(hr, bicubic, 0)))
                ring_rows.append(ring_errors(ours, hr))
        r = np.array(rows)
        table[s] = (*r.mean(axis=0), len(rows))
        if rings is not None:
            rings[s] = np.array(ring_rows).mean(axis=0)
    return table


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--scales", default="2,2.5,3,3.7,4")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model, ckpt = load_model(args.checkpoint)
    _, val = p2g_data.split()
    pictures = [p2g_data.load(path) for _, path in val]
    scales = [float(s) for s in args.scales.split(",")]
    rings = {}
    table = evaluate(model, scales, pictures, rings)
    print(f"validation: {len(val)} held-out pictures, {CROPS} crops each, LR {LR_SIDE}x{LR_SIDE}, "
          f"PSNR-Y (dB), shave ceil(s); model {args.checkpoint} ({ckpt['recipe'].get('steps')} steps, "
          f"{ckpt['config']['blocks']} blocks)")
    print("| scale | p2g | bicubic | Lanczos | p2g - bicubic | p2g - Lanczos | unshaved: p2g - bicubic | crops |")
    print("|---|---|---|---|---|---|---|---|")
    for s, (ours, bic, lan, ours_all, bic_all, n) in table.items():
        print(f"| x{s:g} | {ours:.2f} | {bic:.2f} | {lan:.2f} | {ours - bic:+.2f} | {ours - lan:+.2f} "
              f"| {ours_all - bic_all:+.2f} | {n} |")
    print()
    print("border rings, 8-bit levels: mean signed error / mean absolute error (ring 1 is the outermost HR pixels)")
    print("| scale | " + " | ".join(f"ring {r + 1}" for r in range(RINGS)) + " | interior |")
    print("|---|" + "---|" * (RINGS + 1))
    for s, errs in rings.items():
        print(f"| x{s:g} | " + " | ".join(f"{m:+.1f} / {a:.1f}" for m, a in errs) + " |")


if __name__ == "__main__":
    main()
