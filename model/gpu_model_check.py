"""The default model's network on a GPU, in PyTorch: our estimate of the ONNX CUDA provider's
speed until a machine with CUDA 12, cuDNN and Java runs the real one (docs/gpu-kit.md).

Rebuilds p2g_torch.GaussianEncoder from sample-data/model/default.onnx alone (its recipe from
the metadata, its weights from the initializers), proves the rebuild with the parity fixture
(the PyTorch renders the Java build compares ONNX Runtime against), then times the network in
float32 and bfloat16 on 512^2 and 1024^2 LR inputs and compares the bfloat16 field with the
float32 one. Prints a markdown table, also written to $OUT/gpu-model.md where OUT is set.

    /usr/bin/python3 model/gpu_model_check.py [--device cuda] [--sizes 512,1024] [--runs 20]
"""
import argparse
import contextlib
import json
import os
import struct
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

try:
    from PIL import Image
except ImportError:  # the device machine's Python may lack Pillow: the parity check is then skipped
    Image = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2g_torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "sample-data", "model", "default.onnx")
PARITY = os.path.join(ROOT, "udf", "src", "test", "resources", "parity")
PARITY_RENDERS = (("x2.5", 60, 40), ("x3.7x2", 89, 32), ("x4", 96, 64))


def rebuild(path):
    m = onnx.load(path)
    meta = {p.key: p.value for p in m.metadata_props}
    recipe = json.loads(meta["model.training"])
    model = p2g_torch.GaussianEncoder(k=int(meta["field.k"]), channels=recipe["channels"], blocks=recipe["blocks"])
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    state = model.state_dict()
    missing = [name for name in state if name not in weights]
    for name in state:
        if name in weights and tuple(weights[name].shape) == tuple(state[name].shape):
            state[name] = weights[name]
    model.load_state_dict(state)
    return model.eval(), meta, missing


def read_f32(path):
    with open(path, "rb") as f:
        w, h = struct.unpack("<ii", f.read(8))
        return np.frombuffer(f.read(), dtype="<f4").reshape(3, h, w)


def parity(model):
    """Worst difference between our rebuild's renders and the fixture's (same network, CPU)."""
    if Image is None:
        return float("nan")
    with Image.open(os.path.join(PARITY, "input.png")) as im:
        x = torch.from_numpy(np.asarray(im.convert("RGB"), dtype=np.uint8).copy()).permute(2, 0, 1)[None].float()
    x = x / 255.0
    worst = 0.0
    with torch.no_grad():
        for name, ow, oh in PARITY_RENDERS:
            got = p2g_torch.render_field(model, x, oh, ow)[0].numpy()
            worst = max(worst, float(np.abs(got - read_f32(os.path.join(PARITY, f"expected-{name}.f32"))).max()))
    return worst


def timed(model, x, dtype, runs, device):
    cast = contextlib.nullcontext() if dtype == torch.float32 else torch.autocast(device_type=device, dtype=dtype)
    with torch.no_grad(), cast:
        for _ in range(3):
            out = model(x)
        if device == "cuda":
            torch.cuda.synchronize()
        best = float("inf")
        for _ in range(runs):
            t0 = time.perf_counter()
            out = model(x)
            if device == "cuda":
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - t0)
    return best, [o.float() for o in out]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--sizes", default="512,1024")
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    model, meta, missing = rebuild(MODEL)
    lines = [f"# {meta['model.name']} in PyTorch {torch.__version__} on {args.device}"
             + (f" ({torch.cuda.get_device_name(0)})" if args.device == "cuda" else ""),
             f"rebuilt from the ONNX file; parameters not found there: {missing or 'none'}; "
             f"parity with the fixture: worst difference {parity(model):.2e}", "",
             "| LR input | dtype | ms per image | images/s | LR MP/s | field vs float32 (max abs) |",
             "|---|---|---:|---:|---:|---:|"]
    model = model.to(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    gen = torch.Generator().manual_seed(0)
    for side in (int(s) for s in args.sizes.split(",")):
        x = torch.rand(1, 3, side, side, generator=gen).to(args.device)
        reference = None
        for name, dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
            if args.device == "cpu" and dtype == torch.bfloat16 and side > 512:
                continue
            seconds, out = timed(model, x, dtype, args.runs, args.device)
            if reference is None:
                reference = out
            diff = max(float((a - b).abs().max()) for a, b in zip(out, reference))
            lines.append(f"| {side}x{side} | {name} | {seconds * 1e3:.2f} | {1 / seconds:.1f} | "
                         f"{side * side / seconds / 1e6:.1f} | {diff:.2e} |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if os.environ.get("OUT"):
        with open(os.path.join(os.environ["OUT"], "gpu-model.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
