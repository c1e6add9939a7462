"""Checks the analytic model (udf/src/test/resources/models/analytic-v1.onnx) against the model contract of shared/DESIGN.md and
prints, for every image under sample-data/images, how well its field reproduces it.

* Contract: input and output names, types and dynamic shapes; metadata keys and values;
  outputs within the declared max_offset / max_sigma; the declared receptive_field is enough
  for seamless tiles (a tile encoded with that halo gives the whole image's colours).
* Scale-1 reproduction: the model file run by p2g_graph, the field rendered by p2g_render
  (the float64 reference of the field equation), quantised to 8 bits, against the decoded
  source (alpha composited over black, grey replicated, 16-bit kept). Bar: MIN_PSNR_DB.
* x2 interpolation, for information: the 2x2-box-downscaled image rendered at x2 against the
  image, next to bicubic resampling of the same downscaled image.

Exits 1 if any check fails. Usage: /usr/bin/python3 model/verify.py [--model PATH]
"""

import argparse
import math
import os
import sys

import numpy as np
import onnx
from PIL import Image

import make_analytic_model
import p2g_graph
import p2g_images
import p2g_render

MIN_PSNR_DB = 35.0
REQUIRED_METADATA = ("field.version", "field.k", "field.max_offset", "field.max_sigma",
                     "field.receptive_field", "model.name", "model.license")
# Colours of a tile and of the whole image differ only by float rounding.
TILE_TOLERANCE = 1e-9
# A bound "holds" up to float32 rounding of the model's outputs.
BOUND_SLACK = 1e-6


def check_contract(model):
    """Returns a list of contract violations (empty when the model keeps the contract)."""
    problems = []
    graph = model.graph
    inputs = [i for i in graph.input if i.name not in {t.name for t in graph.initializer}]
    if len(inputs) != 1:
        problems.append(f"expected one input, found {[i.name for i in inputs]}")
    else:
        problems += _check_tensor(inputs[0], 3, "input")
    outputs = {o.name: o for o in graph.output}
    for name, channels in (("offset", 2), ("cholesky", 3), ("color", 3)):
        if name not in outputs:
            problems.append(f"missing output {name!r}; outputs are {sorted(outputs)}")
        else:
            problems += _check_tensor(outputs[name], channels, f"output {name}")
    meta = metadata(model)
    problems += [f"metadata {key} missing" for key in REQUIRED_METADATA if key not in meta]
    if meta.get("field.version") not in (None, "1"):
        problems.append(f"field.version is {meta['field.version']}, expected 1")
    if not problems:
        problems += check_grid(model, int(meta["field.k"]))
    return problems


def check_grid(model, k):
    """Outputs lie on the declared k x k anchor grid: [N, C, kH, kW] for an H x W input.
    Only a run shows it, since H and W are symbolic in the graph."""
    h, w = 5, 7
    out = p2g_graph.run(model, {model.graph.input[0].name: np.zeros((1, 3, h, w), np.float32)})
    wrong = {name: a.shape[2:] for name, a in out.items() if a.shape[2:] != (k * h, k * w)}
    return [f"output {n} is {s} for a {w}x{h} input, expected {(k * h, k * w)} for field.k={k}"
            for n, s in wrong.items()]


def _check_tensor(value_info, channels, what):
    t = value_info.type.tensor_type
    if t.elem_type != onnx.TensorProto.FLOAT:
        return [f"{what} {value_info.name} is not float32"]
    dims = t.shape.dim
    if len(dims) != 4:
        return [f"{what} {value_info.name} has rank {len(dims)}, expected 4"]
    problems = []
    if dims[1].dim_value != channels:
        problems.append(f"{what} {value_info.name} has {dims[1].dim_value or dims[1].dim_param} "
                        f"channels, expected {channels}")
    for axis in (0, 2, 3):
        if dims[axis].dim_value:
            problems.append(f"{what} {value_info.name} axis {axis} is fixed, expected dynamic")
    return problems


def metadata(model):
    return {p.key: p.value for p in model.metadata_props}


def check_bounds(meta, offset, cholesky):
    """The field stays within the model's declared max_offset and max_sigma."""
    problems = []
    max_offset = float(np.max(np.hypot(offset[0], offset[1])))
    if max_offset > float(meta["field.max_offset"]) + BOUND_SLACK:
        problems.append(f"offset {max_offset} exceeds field.max_offset")
    l11, l21, l22 = cholesky
    s00, s01, s11 = l11 * l11, l11 * l21, l21 * l21 + l22 * l22
    lam = 0.5 * (s00 + s11) + np.sqrt(0.25 * (s00 - s11) ** 2 + s01 ** 2)
    max_sigma = float(np.sqrt(np.max(lam)))
    if max_sigma > float(meta["field.max_sigma"]) + BOUND_SLACK:
        problems.append(f"sigma {max_sigma} exceeds field.max_sigma")
    return problems


def check_tiling(model, rgb, halo):
    """Largest colour difference between a tile encoded with `halo` pixels of context and the
    same pixels of the whole image's field."""
    full = p2g_graph.encode(model, rgb)[2]
    h, w = rgb.shape[:2]
    top, left, bottom, right = h // 4, w // 4, h // 2, w // 2
    t0, l0 = max(0, top - halo), max(0, left - halo)
    tile = p2g_graph.encode(model, rgb[t0:bottom + halo, l0:right + halo])[2]
    inner = tile[:, top - t0:bottom - t0, left - l0:right - l0]
    return float(np.max(np.abs(inner - full[:, top:bottom, left:right])))


def check_tiny_images(model):
    """Images down to 1x1 encode to fields of their own size. How well a flat image comes
    back is printed, not judged: below about 3 px a side the border correction has too few
    pixels to converge (1x1 is off by about 2 %)."""
    problems, errors = [], []
    for h, w in ((1, 1), (1, 5), (3, 2), (4, 4)):
        rgb = np.full((h, w, 3), 0.25) + np.array([0.0, 0.3, 0.6])
        offset, cholesky, color = p2g_graph.encode(model, rgb)
        shapes = [a.shape for a in (offset, cholesky, color)]
        if shapes != [(2, h, w), (3, h, w), (3, h, w)] or not np.isfinite(color).all():
            problems.append(f"{w}x{h} image: output shapes {shapes}")
            continue
        out = p2g_render.render(offset, cholesky, color, 1, w, h, 1.0).transpose(1, 2, 0)
        errors.append(f"{w}x{h} {np.max(np.abs(out - rgb)):.1e}")
    print("flat tiny images, max scale-1 error: " + ", ".join(errors))
    return problems


def bicubic_x2_psnr(rgb):
    h, w = rgb.shape[0] // 2, rgb.shape[1] // 2
    full = rgb[:2 * h, :2 * w]
    small = full.reshape(h, 2, w, 2, 3).mean(axis=(1, 3))
    planes = [np.asarray(Image.fromarray(small[:, :, c].astype(np.float32), "F")
                         .resize((2 * w, 2 * h), Image.BICUBIC)) for c in range(3)]
    return p2g_images.psnr(p2g_images.quantise8(np.stack(planes, axis=-1)), full)


def describe(path):
    header = p2g_images.png_header(path)
    if header is not None:
        kinds = {0: "grey", 2: "RGB", 3: "palette", 4: "grey+alpha", 6: "RGBA"}
        return f"PNG {kinds.get(header[3], header[3])} {header[2]}-bit"
    with Image.open(path) as im:
        return f"{im.format} {im.mode}"


def image_table(model, images_dir):
    """Prints the per-image table (markdown); returns the problems found."""
    problems, meta = [], metadata(model)
    print("| image | size | kind | scale-1 PSNR (8-bit) | unquantised | x2 field | x2 bicubic |")
    print("|---|---|---|---|---|---|---|")
    for rel in p2g_images.list_images(images_dir):
        path = os.path.join(images_dir, rel)
        rgb = p2g_images.load_rgb(path)
        offset, cholesky, color = p2g_graph.encode(model, rgb)
        problems += [f"{rel}: {p}" for p in check_bounds(meta, offset, cholesky)]
        q, raw = make_analytic_model.reproduction_psnr(model, rgb)
        up = make_analytic_model.upscale_psnr(model, rgb)
        print(f"| {rel} | {rgb.shape[1]}x{rgb.shape[0]} | {describe(path)} | {_db(q)} | "
              f"{_db(raw)} | {_db(up)} | {_db(bicubic_x2_psnr(rgb))} |")
        if q < MIN_PSNR_DB:
            problems.append(f"{rel}: scale-1 PSNR {q:.2f} dB < {MIN_PSNR_DB}")
    return problems


def _db(value):
    return "exact (inf)" if math.isinf(value) else f"{value:.2f} dB"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=make_analytic_model.DEFAULT_OUT)
    parser.add_argument("--images", default=os.path.join(here, "..", "sample-data", "images"))
    args = parser.parse_args()

    p2g_render._self_check()
    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    problems = check_contract(model)
    if problems:
        print("\n".join(f"FAIL {p}" for p in problems))
        return 1
    meta = metadata(model)
    print(f"model {os.path.normpath(args.model)}: {os.path.getsize(args.model)} bytes, {meta}")
    problems += check_tiny_images(model)

    rf = int(meta["field.receptive_field"])
    sample = p2g_images.load_rgb(os.path.join(args.images, "evening-glow.jpg"))
    enough, short = check_tiling(model, sample, rf), check_tiling(model, sample, rf - 1)
    print(f"tile vs whole image, max colour difference: halo {rf} -> {enough:.2e}, "
          f"halo {rf - 1} -> {short:.2e}")
    if enough > TILE_TOLERANCE:
        problems.append(f"field.receptive_field {rf} is not enough for seamless tiles")

    problems += image_table(model, args.images)
    for p in problems:
        print(f"FAIL {p}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
