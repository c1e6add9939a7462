"""Builds the analytic Pixel-to-Gaussian model, udf/src/test/resources/models/analytic-v1.onnx:
the first default (now the trained model of train.py), kept as the tests' convention check and
the benchmarks' baseline. An untrained model that keeps the model contract of shared/DESIGN.md.

One isotropic Gaussian per LR pixel (k = 1), at its pixel centre (zero offset), standard
deviation SIGMA. Rendered at scale 1, the field at pixel centres is a discrete convolution of
the colours with K(d) = max(0, exp(-|d|^2 / (2 SIGMA^2)) - tau) / (1 - tau), which blurs;
so the colours are the image run through an approximate inverse of K (the prefilter), and
the field gives the image back. At other scales the field interpolates smoothly.

The prefilter is a small FIR inverse of K (from the FFT of K, truncated and renormalised)
followed by REFINEMENTS residual-correction steps, c += P * (x - K * c), where K * c uses
zero padding because no Gaussians exist outside the image. The steps correct both the
truncation of the inverse and the image border, where the missing outer Gaussians would
otherwise darken the outermost pixels by about 10 %. All of it is depthwise Conv/Pad/Add, so
H and W stay dynamic. `--sweep` prints the measurements behind the constants below.

Usage: /usr/bin/python3 model/make_analytic_model.py [--out udf/src/test/resources/models/analytic-v1.onnx]
       /usr/bin/python3 model/make_analytic_model.py --sweep
"""

import argparse
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import p2g_graph
import p2g_images
import p2g_render

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "udf", "src", "test", "resources", "models", "analytic-v1.onnx")
SAMPLE_IMAGES = os.path.join(HERE, "..", "sample-data", "images")

# sigma 0.6 interpolates best of the candidates that keep K within 3x3 (--sweep: x2 upscale
# PSNR rises with sigma and flattens past 0.6); above 0.6006 the tau cut no longer removes
# the distance-2 neighbours, K grows to 5x5 and the inverse gets harder.
SIGMA = 0.6
# 5x5 inverse + 2 correction steps reproduces every 8-bit sample exactly or within one
# 8-bit step, at a receptive field of 8 LR pixels (--sweep).
PREFILTER_SIZE = 5
REFINEMENTS = 2
# "edge" works for images down to 1x1 (ONNX reflect padding needs a side longer than the
# pad) and measured the same as or better than "reflect".
PADDING = "edge"
FFT_GRID = 256
OPSET = 13
MODEL_NAME = "p2g-analytic-v1"
MODEL_LICENSE = "Apache-2.0"
TAU = p2g_render.TAU


def cut_kernel(sigma):
    """K at integer offsets: the weight one Gaussian gives the neighbouring pixel centres."""
    radius = int(math.floor(sigma * math.sqrt(p2g_render.Q_CUTOFF)))
    d = np.arange(-radius, radius + 1)
    d2 = d[:, None] ** 2 + d[None, :] ** 2
    return np.maximum(0.0, np.exp(-d2 / (2.0 * sigma ** 2)) - TAU) / (1.0 - TAU)


def inverse_prefilter(kernel, size, grid=FFT_GRID):
    """Centre size x size of the exact inverse of `kernel`, from 1 / FFT(kernel) on a large
    periodic grid; rescaled so that flat areas (DC) are still reproduced exactly."""
    r = kernel.shape[0] // 2
    periodic = np.zeros((grid, grid))
    for i in range(-r, r + 1):
        for j in range(-r, r + 1):
            periodic[i % grid, j % grid] = kernel[i + r, j + r]
    spectrum = np.fft.fft2(periodic)
    if np.min(np.abs(spectrum)) < 1e-6:
        raise ValueError("K is not invertible for this sigma")
    inverse = np.fft.fftshift(np.real(np.fft.ifft2(1.0 / spectrum)))
    c, h = grid // 2, size // 2
    prefilter = inverse[c - h:c + h + 1, c - h:c + h + 1]
    return prefilter * (1.0 / kernel.sum()) / prefilter.sum()


def receptive_field(prefilter_size, kernel_size, refinements):
    """LR pixels of input on each side that one output colour depends on."""
    rp, rk = prefilter_size // 2, kernel_size // 2
    return rp + refinements * (rp + rk)


def depthwise(kernel):
    """The same 2D kernel for each of the 3 channels, as Conv weights [3, 1, kh, kw]."""
    return np.repeat(kernel[None, None].astype(np.float32), 3, axis=0)


def build_model(sigma=SIGMA, prefilter_size=PREFILTER_SIZE, refinements=REFINEMENTS,
                padding=PADDING):
    kernel = cut_kernel(sigma)
    prefilter = inverse_prefilter(kernel, prefilter_size)
    rp, rk = prefilter_size // 2, kernel.shape[0] // 2
    nodes, inits = [], [
        numpy_helper.from_array(depthwise(prefilter), "prefilter"),
        numpy_helper.from_array(depthwise(kernel), "field_kernel"),
        numpy_helper.from_array(np.array([0, 0, rp, rp, 0, 0, rp, rp], np.int64), "border_pads"),
    ]
    nodes.append(helper.make_node("Pad", ["image", "border_pads"], ["image_padded"], mode=padding))
    nodes.append(helper.make_node("Conv", ["image_padded", "prefilter"], ["color_0"], group=3))
    colour = "color_0"
    for step in range(1, refinements + 1):
        colour = _refinement(nodes, colour, step, rp, rk, last=step == refinements)
    if refinements == 0:
        nodes.append(helper.make_node("Identity", [colour], ["color"]))
    _constant_outputs(nodes, inits, sigma)
    graph = helper.make_graph(nodes, "p2g_analytic", [_tensor("image", 3)],
                              [_tensor("offset", 2), _tensor("cholesky", 3), _tensor("color", 3)],
                              inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="p2g model/make_analytic_model.py")
    model.doc_string = ("Analytic Pixel-to-Gaussian field, version 1: one isotropic Gaussian "
                        f"(sigma {sigma}) per pixel, colours prefiltered so that rendering "
                        "at scale 1 reproduces the input.")
    fields = {
        "field.version": "1",
        "field.k": "1",
        "field.max_offset": "0",
        "field.max_sigma": repr(sigma),
        "field.receptive_field": str(receptive_field(prefilter_size, kernel.shape[0], refinements)),
        "model.name": MODEL_NAME,
        "model.license": MODEL_LICENSE,
    }
    onnx.helper.set_model_props(model, fields)
    onnx.checker.check_model(model, full_check=True)
    return model


def _refinement(nodes, colour, step, rp, rk, last):
    """c + P * (x - K * c): K with zero padding, since nothing lies outside the image."""
    out = "color" if last else f"color_{step}"
    nodes.append(helper.make_node("Conv", [colour, "field_kernel"], [f"rendered_{step}"],
                                  group=3, pads=[rk, rk, rk, rk]))
    nodes.append(helper.make_node("Sub", ["image", f"rendered_{step}"], [f"residual_{step}"]))
    nodes.append(helper.make_node("Conv", [f"residual_{step}", "prefilter"],
                                  [f"correction_{step}"], group=3, pads=[rp, rp, rp, rp]))
    nodes.append(helper.make_node("Add", [colour, f"correction_{step}"], [out]))
    return out


def _constant_outputs(nodes, inits, sigma):
    """offset = 0 and cholesky = (sigma, 0, sigma), shaped [N, C, H, W] from the input's
    runtime shape so that N, H and W stay dynamic."""
    # int64 [1] constants, used both as Slice bounds on the shape and as channel counts.
    inits += [
        numpy_helper.from_array(np.array([0], np.int64), "int_0"),
        numpy_helper.from_array(np.array([1], np.int64), "int_1"),
        numpy_helper.from_array(np.array([2], np.int64), "int_2"),
        numpy_helper.from_array(np.array([4], np.int64), "int_4"),
        numpy_helper.from_array(np.array([sigma, 0.0, sigma], np.float32).reshape(1, 3, 1, 1),
                                "cholesky_value"),
    ]
    zero = numpy_helper.from_array(np.zeros(1, np.float32), "zero")
    one = numpy_helper.from_array(np.ones(1, np.float32), "one")
    nodes += [
        helper.make_node("Shape", ["image"], ["image_shape"]),
        helper.make_node("Slice", ["image_shape", "int_0", "int_1"], ["batch"]),
        helper.make_node("Slice", ["image_shape", "int_2", "int_4"], ["height_width"]),
        helper.make_node("Concat", ["batch", "int_2", "height_width"], ["offset_shape"], axis=0),
        helper.make_node("ConstantOfShape", ["offset_shape"], ["offset"], value=zero),
        helper.make_node("Concat", ["batch", "int_1", "height_width"], ["plane_shape"], axis=0),
        helper.make_node("ConstantOfShape", ["plane_shape"], ["ones"], value=one),
        helper.make_node("Mul", ["ones", "cholesky_value"], ["cholesky"]),
    ]


def _tensor(name, channels):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", channels, "H", "W"])


def reproduction_psnr(model, rgb):
    """(8-bit quantised PSNR, unquantised PSNR) of the scale-1 render against the input."""
    offset, cholesky, color = p2g_graph.encode(model, rgb)
    h, w = rgb.shape[:2]
    out = p2g_render.render(offset, cholesky, color, 1, w, h, 1.0).transpose(1, 2, 0)
    return p2g_images.psnr(p2g_images.quantise8(out), rgb), p2g_images.psnr(out, rgb)


def upscale_psnr(model, rgb):
    """PSNR of x2 from the 2x2-box-downscaled image against the image: how well the field
    interpolates between pixels (the only thing sigma changes once reproduction is exact)."""
    h, w = rgb.shape[0] // 2, rgb.shape[1] // 2
    full = rgb[:2 * h, :2 * w]
    small = full.reshape(h, 2, w, 2, 3).mean(axis=(1, 3))
    offset, cholesky, color = p2g_graph.encode(model, small)
    out = p2g_render.render(offset, cholesky, color, 1, w, h, 2.0).transpose(1, 2, 0)
    return p2g_images.psnr(p2g_images.quantise8(out), full)


SWEEP_SIGMAS = (0.5, 0.55, 0.6, 0.65, 0.7)
# (prefilter size, refinements, padding); size 11 without refinement is the plain truncated
# inverse, to show what the border correction buys.
SWEEP_CONFIGS = ((11, 0, "edge"), (11, 0, "reflect"), (5, 1, "edge"), (5, 2, "edge"),
                 (5, 2, "reflect"), (7, 2, "edge"))


def sweep():
    """Prints the measurements behind SIGMA, PREFILTER_SIZE, REFINEMENTS and PADDING. The
    8-bit column tops out near 59 dB (the 16-bit sample) and 65 dB (the RGBA sample, whose
    premultiplied values fall between 8-bit steps); the unquantised one shows the margin."""
    images = [p2g_images.load_rgb(os.path.join(SAMPLE_IMAGES, rel))
              for rel in p2g_images.list_images(SAMPLE_IMAGES)]
    print("| sigma | prefilter | refinements | padding | receptive field | scale-1 8-bit min | "
          "scale-1 unquantised min | x2 mean |")
    print("|---|---|---|---|---|---|---|---|")
    for sigma in SWEEP_SIGMAS:
        for size, steps, padding in SWEEP_CONFIGS:
            model = build_model(sigma, size, steps, padding)
            repro = [reproduction_psnr(model, im) for im in images]
            x2 = "" if (size, steps, padding) != (5, 2, "edge") else \
                f"{np.mean([upscale_psnr(model, im) for im in images]):.2f} dB"
            rf = {p.key: p.value for p in model.metadata_props}["field.receptive_field"]
            print(f"| {sigma} | {size}x{size} | {steps} | {padding} | {rf} | "
                  f"{min(r[0] for r in repro):.2f} dB | {min(r[1] for r in repro):.2f} dB | "
                  f"{x2} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--sweep", action="store_true",
                        help="measure candidate sigma / sizes / padding instead of writing")
    args = parser.parse_args()
    if args.sweep:
        sweep()
        return
    model = build_model()
    out = os.path.normpath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    onnx.save(model, out)
    meta = {p.key: p.value for p in model.metadata_props}
    print(f"wrote {out} ({os.path.getsize(out)} bytes): {meta}")


if __name__ == "__main__":
    main()
