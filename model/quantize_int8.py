"""An int8 variant of the default model for CPUs (issue 21, item 2): QDQ ONNX made here, with
Debian's python3-onnx and python3-torch only (ONNX Runtime's own quantiser is not packaged).

The feature convolutions (head_in, the residual body and the three heads: nearly all of the
multiply-adds) get int8 weights, per output channel and symmetric, and uint8 activations, per
tensor and asymmetric, from ranges calibrated on training crops; their biases are int32 at the
input scale times the weight scale, as ONNX Runtime's QLinearConv wants them. Every such
convolution is DequantizeLinear -> Conv -> QuantizeLinear, the pattern ONNX Runtime fuses into
one integer convolution. The colour path (prefilter, upsample, border correction: depthwise,
cheap, and what carries the colours) stays float.

    /usr/bin/python3 model/quantize_int8.py [--crops N] [--out sample-data/model/default-int8.onnx]

The int8 model's field is checked against the float one through ONNX Runtime Java
(PrecisionBenchmark, ModelPrecisionTest). --graphics adds synthetic graphics to the calibration;
it is off by default because per-tensor ranges wide enough for sharp graphics cost the photos
0.3-0.6 dB at x2 (measured: docs/benchmarks.md, issue 21).
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2g_data  # noqa: E402
from gpu_model_check import rebuild  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOAT_MODEL = os.path.join(ROOT, "sample-data", "model", "default.onnx")
QUANTISED = ("head_in", "body.", "to_shape")
CROP = 96
SEED = 21


def quantised(module_name):
    return module_name.startswith(QUANTISED)


def calibration_crops(count):
    """LR crops of training pictures (never validation ones), bicubic-degraded x2 as in training."""
    train, _ = p2g_data.split()
    rng = np.random.default_rng(SEED)
    crops = []
    for i in range(count):
        _, path = train[i % len(train)]
        img = p2g_data.load(path)
        h, w, _ = img.shape
        lr = p2g_data.degrade(img, w // 2, h // 2)
        y = int(rng.integers(0, lr.shape[0] - CROP))
        x = int(rng.integers(0, lr.shape[1] - CROP))
        crops.append(torch.from_numpy(lr[y:y + CROP, x:x + CROP].copy()).permute(2, 0, 1).float() / 255.0)
    return torch.stack(crops)


def graphics_crops(count, seed=SEED + 1):
    """Synthetic LR crops of what photos lack and graphics have: flat saturated colours, hard
    and thin edges, 1-px stripes and checkerboards, text-like strokes, ramps. Drawn at 2x and
    degraded like the photos, or (every other crop) drawn at the LR size itself: the job gets
    sharp, aliased images too, not only downscaled ones, and their activations run further.
    None of the repository's sample images is used (they test it)."""
    from PIL import Image, ImageDraw
    rng = np.random.default_rng(seed)
    saturated = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (255, 0, 255),
                 (0, 0, 0), (255, 255, 255)]

    def colour():
        if rng.random() < 0.6:
            return saturated[int(rng.integers(len(saturated)))]
        return tuple(int(v) for v in rng.integers(0, 256, 3))

    crops = []
    for i in range(count):
        side = CROP if i % 8 >= 4 else 2 * CROP
        im = Image.new("RGB", (side, side), colour())
        d = ImageDraw.Draw(im)
        kind = i % 4
        if kind == 0:  # flat shapes with hard edges, some diagonal
            for _ in range(8):
                x0, y0, x1, y1 = (int(v) for v in np.sort(rng.integers(0, side, 4).reshape(2, 2), axis=0).ravel())
                (d.rectangle if rng.random() < 0.5 else d.ellipse)((x0, y0, x1 + 4, y1 + 4), fill=colour())
            for _ in range(3):
                d.polygon([tuple(int(v) for v in rng.integers(0, side, 2)) for _ in range(3)], fill=colour())
        elif kind == 1:  # stripes and checkerboards of 1-4 px
            a = np.zeros((side, side, 3), np.uint8)
            yy, xx = np.mgrid[0:side, 0:side]
            for q, (y0, x0) in enumerate(((0, 0), (0, side // 2), (side // 2, 0), (side // 2, side // 2))):
                period = int(rng.integers(1, 5))
                pattern = ((xx // period + (yy // period) * (q % 2)) % 2).astype(bool)
                block = np.where(pattern[..., None], colour(), colour())
                a[y0:y0 + side // 2, x0:x0 + side // 2] = block[y0:y0 + side // 2, x0:x0 + side // 2]
            im = Image.fromarray(a)
        elif kind == 2:  # text-like strokes and thin lines on a flat ground
            for _ in range(40):
                x, y = (int(v) for v in rng.integers(0, side - 12, 2))
                d.text((x, y), "".join(chr(int(c)) for c in rng.integers(33, 127, 3)), fill=colour())
            for _ in range(6):
                d.line([tuple(int(v) for v in rng.integers(0, side, 2)) for _ in range(2)], fill=colour(),
                       width=int(rng.integers(1, 3)))
        else:  # ramps between saturated colours, cut by hard bands
            t = np.linspace(0.0, 1.0, side)[None, :, None]
            a = (1 - t) * np.array(colour(), float) + t * np.array(colour(), float)
            a = np.repeat(a, side, axis=0)
            for _ in range(3):
                y0 = int(rng.integers(0, side - 8))
                a[y0:y0 + int(rng.integers(2, 24))] = colour()
            im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        lr = np.asarray(im) if side == CROP else p2g_data.degrade(np.asarray(im), CROP, CROP)
        crops.append(torch.from_numpy(lr.copy()).permute(2, 0, 1).float() / 255.0)
    return torch.stack(crops)


def ranges(model, images, quantile, margin):
    """{conv name: (input low, input high, output low, output high)} over the images: the
    quantile and 1 - quantile of a sample of each tensor's values (min and max for quantile 0),
    so that a rare outlier does not coarsen every other value's step."""
    samples = {}

    def hook(name):
        def record(_module, inputs, output):
            x, y = inputs[0].detach().flatten(), output.detach().flatten()
            step = max(1, x.numel() // 200000)
            ins, outs = samples.setdefault(name, ([], []))
            ins.append(x[::step].numpy().copy())
            outs.append(y[::max(1, y.numel() // 200000)].numpy().copy())
        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules()
               if isinstance(m, torch.nn.Conv2d) and quantised(n)]
    with torch.no_grad():
        for i in range(0, len(images), 8):
            model(images[i:i + 8])
    for h in handles:
        h.remove()
    seen = {}
    for name, (ins, outs) in samples.items():
        x, y = np.concatenate(ins), np.concatenate(outs)
        seen[name] = tuple(margin * float(v) for v in (np.quantile(x, quantile), np.quantile(x, 1 - quantile),
                                                          np.quantile(y, quantile), np.quantile(y, 1 - quantile)))
    return seen


def uint8_params(lo, hi):
    """Scale and zero point of an asymmetric uint8 range that holds 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255.0
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def quantise(float_path, seen):
    m = onnx.load(float_path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    added = []
    renamed = {}  # conv output -> its dequantised copy, for the consumers

    def q_dq(tensor, scale, zero, tag):
        s, z = tag + "_scale", tag + "_zero"
        added.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), s))
        added.append(numpy_helper.from_array(np.array(zero, dtype=np.uint8), z))
        nodes.append(helper.make_node("QuantizeLinear", [tensor, s, z], [tag + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [tag + "_q", s, z], [tag + "_dq"]))
        return tag + "_dq"

    count = 0
    for node in g.node:
        node.input[:] = [renamed.get(x, x) for x in node.input]
        name = node.input[1][:-len(".weight")] if node.op_type == "Conv" and node.input[1].endswith(".weight") else None
        if name is None or name not in seen:
            nodes.append(node)
            continue
        lo, hi, olo, ohi = seen[name]
        if name == "head_in":  # the image minus 0.5: its whole range, or saturated colours would clip
            lo, hi = -0.5, 0.5
        sx, zx = uint8_params(lo, hi)
        x = q_dq(node.input[0], sx, zx, name + "_in")
        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float64)
        sw = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(axis=1), 1e-12) / 127.0
        wq = np.clip(np.round(w / sw[:, None, None, None]), -127, 127).astype(np.int8)
        added += [numpy_helper.from_array(wq, name + "_wq"),
                  numpy_helper.from_array(sw.astype(np.float32), name + "_wscale"),
                  numpy_helper.from_array(np.zeros(w.shape[0], np.int8), name + "_wzero")]
        nodes.append(helper.make_node("DequantizeLinear", [name + "_wq", name + "_wscale", name + "_wzero"],
                                      [name + "_wdq"], axis=0))
        inputs = [x, name + "_wdq"]
        if len(node.input) > 2 and node.input[2]:
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
            sb = (float(sx) * sw).astype(np.float32)
            bq = np.round(b / sb).astype(np.int32)
            added += [numpy_helper.from_array(bq, name + "_bq"), numpy_helper.from_array(sb, name + "_bscale"),
                      numpy_helper.from_array(np.zeros(w.shape[0], np.int32), name + "_bzero")]
            nodes.append(helper.make_node("DequantizeLinear", [name + "_bq", name + "_bscale", name + "_bzero"],
                                          [name + "_bdq"], axis=0))
            inputs.append(name + "_bdq")
        out = node.output[0]
        conv = helper.make_node("Conv", inputs, [out], name=node.name)
        conv.attribute.extend(node.attribute)
        nodes.append(conv)
        sy, zy = uint8_params(olo, ohi)
        renamed[out] = q_dq(out, sy, zy, name + "_out")
        count += 1
    for o in g.output:  # a graph output produced by a quantised conv keeps its name
        if o.name in renamed:
            raise SystemExit("a graph output comes straight from a quantised convolution: " + o.name)
    used = {x for n in nodes for x in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(kept + added)
    return m, count


def qat_weights(path, float_model, meta):
    """(ranges, float ONNX path) of a qat.py checkpoint: its weights exported beside it as a float
    model with the float model's metadata, and the ranges it trained with."""
    import export_onnx
    import evaluate
    model, ckpt = evaluate.load_model(path)
    out = os.path.splitext(path)[0] + "-float.onnx"
    export_onnx.export(model, out, meta)
    return {name: tuple(r) for name, r in ckpt["ranges"].items()}, out


def qat_recipe(path, count):
    import evaluate
    qat = evaluate.load_model(path)[1]["recipe"]["qat"]
    return {"method": "QDQ, static, quantisation-aware training (qat.py)",
            "weights": "int8 per output channel, symmetric", "activations": "uint8 per tensor, asymmetric, "
            "ranges followed over photo and synthetic-graphics batches for the first %g of training, then frozen"
            % qat["observe"], "training": "%d steps, %g min, distilled from the float model's renders, every %d-th"
            " batch graphics" % (qat["steps"], qat["minutes"], qat["graphics_every"]),
            "convolutions": count, "float": "colour path (prefilter, upsample, border correction)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crops", type=int, default=64)
    parser.add_argument("--graphics", type=int, default=0, help="synthetic graphics crops added to the calibration (default none: see above)")
    parser.add_argument("--model", default=FLOAT_MODEL, help="the float model to quantise")
    parser.add_argument("--quantile", type=float, default=1e-6,
                        help="activation ranges from this quantile to 1 - it (0: min and max)")
    parser.add_argument("--margin", type=float, default=1.0,
                        help="widen every calibrated range by this factor (images unlike the crops)")
    parser.add_argument("--qat", help="a qat.py checkpoint: its weights and trained ranges instead of a calibration")
    parser.add_argument("--out", default=os.path.join(ROOT, "sample-data", "model", "default-int8.onnx"))
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model, meta, _ = rebuild(args.model)
    if args.qat:
        seen, float_path = qat_weights(args.qat, args.model, meta)
    else:
        images = calibration_crops(args.crops)
        if args.graphics:
            images = torch.cat([images, graphics_crops(args.graphics)])
        seen, float_path = ranges(model, images, args.quantile, args.margin), args.model
    m, count = quantise(float_path, seen)
    props = {p.key: p.value for p in m.metadata_props}
    props["model.name"] = meta.get("model.name", "p2g-dgp") + "-int8"
    props["model.precision"] = "int8"
    props["model.quantisation"] = json.dumps(qat_recipe(args.qat, count) if args.qat else {
        "method": "QDQ, static", "weights": "int8 per output channel, symmetric",
        "activations": "uint8 per tensor, asymmetric, range from the %g to the %g quantile"
                       % (args.quantile, 1 - args.quantile),
        "calibration": "%d training crops and %d synthetic graphics crops of %d x %d LR pixels"
                       " (x2 bicubic degradation), seed %d" % (args.crops, args.graphics, CROP, CROP, SEED),
        "convolutions": count, "float": "colour path (prefilter, upsample, border correction)"})
    del m.metadata_props[:]
    for k, v in props.items():
        m.metadata_props.append(onnx.StringStringEntryProto(key=k, value=v))
    onnx.checker.check_model(m)
    onnx.save(m, args.out)
    print("wrote %s: %d convolutions in int8, %d bytes (float: %d)" % (
        args.out, count, os.path.getsize(args.out), os.path.getsize(args.model)))


if __name__ == "__main__":
    main()
