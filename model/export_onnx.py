#!/usr/bin/python3
"""Exports a trained encoder to ONNX with the model contract's outputs and metadata, and writes
the parity fixture that the Java build checks it against.

* `field.max_sigma`: the largest sqrt(eigenvalue) of the Cholesky dictionary (any softmax mix
  of it is bounded by that, the spectral norm being convex), rounded up.
* `field.max_offset`: the length bound of the tanh-bounded (dx, dy), max_offset_per_axis * sqrt 2.
* `field.receptive_field`: measured, not derived, in LR pixels: the larger of (a) the farthest
  anchor whose outputs move when one LR pixel of a large random image changes, and (b) how deep
  into a crop its outputs differ from the whole image's (the border handling's reach).
* The parity fixture: a small committed PNG and the PyTorch renders of its field at a few
  scales (float32, planar), which `TrainedModelParityTest` compares with ONNX Runtime Java
  plus the Java CPU renderer (bar: 1e-3).

  /usr/bin/python3 model/export_onnx.py model/build/default.pt
"""

import argparse
import json
import math
import os
import struct

import numpy as np
import onnx
import torch

import evaluate
import p2g_torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
DEFAULT_OUT = os.path.join(ROOT, "sample-data", "model", "default.onnx")
PARITY_DIR = os.path.join(ROOT, "udf", "src", "test", "resources", "parity")
PARITY_SOURCE = os.path.join(ROOT, "sample-data", "images", "colorful-cups.png")
PARITY_CROP = (96, 120, 24, 16)  # x, y, width, height: a non-square crop with edges and texture
# (name, output width, output height) for the 24x16 input: x2.5, x3.7 by x2 (anisotropic), x4.
PARITY_RENDERS = (("x2.5", 60, 40), ("x3.7x2", 89, 32), ("x4", 96, 64))
MAX_BYTES = 20 * 1024 * 1024


def round_up(value, places=6):
    f = 10 ** places
    return math.ceil(value * f) / f


def measure_receptive_field(model, side=81):
    """Farthest anchor (Chebyshev distance, LR pixels) whose outputs change with one input pixel."""
    torch.manual_seed(3)
    x = torch.rand(1, 3, side, side)
    c = side // 2
    with torch.no_grad():
        before = torch.cat(model(x), dim=1)
        x2 = x.clone()
        x2[0, :, c, c] = 1.0 - x2[0, :, c, c]
        after = torch.cat(model(x2), dim=1)
    changed = (after - before).abs().amax(dim=1)[0] > 0  # [kH, kW]
    ys, xs = torch.nonzero(changed, as_tuple=True)
    k = model.k
    # Anchor (a, b) sits at ((a + 0.5) / k, ...); its LR pixel is floor(a / k).
    dist = torch.maximum((ys // k - c).abs(), (xs // k - c).abs()).max().item()
    if dist >= c - 1:
        raise SystemExit(f"receptive field {dist} reaches the probe image's border: use a larger one")
    return max(int(dist), border_reach(model, x))


def border_reach(model, x):
    """How far from an image's edge the outputs depend on there being an edge (zero padding,
    the border correction): a crop is encoded alone and compared with the same anchors of the
    whole image. A tile needs at least this much halo to match the whole image."""
    side = x.shape[-1]
    m = side // 4
    k = model.k
    with torch.no_grad():
        whole = torch.cat(model(x), dim=1)[..., m * k:(side - m) * k, m * k:(side - m) * k]
        crop = torch.cat(model(x[..., m:side - m, m:side - m]), dim=1)
    differs = ((whole - crop).abs().amax(dim=1)[0] > 1e-6).nonzero()
    if differs.numel() == 0:
        return 0
    n = side - 2 * m
    lr = differs // k  # LR pixel of each differing anchor
    depth = torch.minimum(torch.minimum(lr[:, 0], n - 1 - lr[:, 0]), torch.minimum(lr[:, 1], n - 1 - lr[:, 1]))
    reach = int(depth.max()) + 1
    if reach >= n // 2:
        raise SystemExit(f"border reach {reach} spans the probe crop: use a larger probe image")
    return reach


def export(model, path, meta):
    dummy = torch.rand(1, 3, 32, 40).to(next(model.parameters()).device)
    # torch 2.9+ defaults to the dynamo exporter (and onnxscript); the graph here is the classic
    # exporter's, which torch 1.13 (Debian) only has.
    import inspect
    classic = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        model, dummy, path, **classic, input_names=["image"], output_names=["offset", "cholesky", "color"],
        dynamic_axes={"image": {0: "N", 2: "H", 3: "W"}, "offset": {0: "N", 2: "kH", 3: "kW"},
                      "cholesky": {0: "N", 2: "kH", 3: "kW"}, "color": {0: "N", 2: "kH", 3: "kW"}},
        opset_version=13, do_constant_folding=True)
    m = onnx.load(path)
    onnx.helper.set_model_props(m, meta)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise SystemExit(f"{path} is {size} bytes, over the {MAX_BYTES} limit")
    return size


def write_f32(path, image_chw):
    """int32 width, int32 height (little-endian), then float32 planes R, G, B, row-major."""
    c, h, w = image_chw.shape
    with open(path, "wb") as f:
        f.write(struct.pack("<ii", w, h))
        f.write(np.ascontiguousarray(image_chw, dtype="<f4").tobytes())


def write_parity(model):
    from PIL import Image  # here, not above: the GPU recipe exports without Pillow (--no-parity)
    os.makedirs(PARITY_DIR, exist_ok=True)
    x0, y0, w, h = PARITY_CROP
    with Image.open(PARITY_SOURCE) as im:
        crop = im.convert("RGB").crop((x0, y0, x0 + w, y0 + h))
    crop.save(os.path.join(PARITY_DIR, "input.png"))
    x = torch.from_numpy(np.asarray(crop, dtype=np.uint8).copy()).permute(2, 0, 1)[None].float() / 255.0
    with torch.no_grad():
        for name, ow, oh in PARITY_RENDERS:
            out = p2g_torch.render_field(model, x, oh, ow)[0].numpy()
            write_f32(os.path.join(PARITY_DIR, f"expected-{name}.f32"), out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--out", default=DEFAULT_OUT)
    p.add_argument("--name", default="p2g-dgp-v2")
    p.add_argument("--no-parity", action="store_true", help="do not rewrite the Java parity fixture")
    args = p.parse_args()
    model, ckpt = evaluate.load_model(args.checkpoint)
    rf = measure_receptive_field(model)
    recipe = ckpt["recipe"]
    meta = {
        "field.version": "1",
        "field.k": str(model.k),
        "field.max_offset": f"{round_up(model.max_offset_norm):.6f}",
        "field.max_sigma": f"{round_up(model.max_sigma):.6f}",
        "field.receptive_field": str(rf),
        "model.name": args.name,
        "model.license": "Apache-2.0",
        # what training did to make its inputs (p2g_data.degrade: Pillow's antialiased bicubic at a
        # scale drawn from [min_scale, max_scale]): the job renders scale 1 and below from it
        "degradation.filter": "bicubic",
        "degradation.min_scale": f"{recipe.get('min_scale', 2.0):g}",
        "degradation.max_scale": f"{recipe.get('max_scale', 4.0):g}",
        "model.training": json.dumps({key: recipe[key] for key in
                                      ("steps", "seconds", "batch", "lr_patch", "min_scale", "max_scale",
                                       "channels", "blocks", "k", "seed", "learning_rate", "init")
                                      if recipe.get(key) is not None}),
    }
    size = export(model, args.out, meta)
    if not args.no_parity:
        write_parity(model)
    print(f"wrote {args.out}: {size:,} bytes; " + ", ".join(f"{k}={v}" for k, v in meta.items()))


if __name__ == "__main__":
    main()
