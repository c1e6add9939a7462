#!/usr/bin/env python3
"""The GPU training recipe (docs/gpu-kit.md, "Training"): from a pack (gpu_pack.py), trains the
pack's checkpoint on for a number of minutes, evaluates the start and the result on the pack's
validation crops, exports the result to ONNX, and writes everything to an output folder:

  <out>/dgp-v3.pt (+ .json)   the checkpoint, for train.py --init and the full evaluate.py here
  <out>/dgp-v3.onnx           its export (the committed default is re-exported here, torch 1.13)
  <out>/gpu-train.md          the quick table and the run's figures
  <out>/train.log             the training log

Needs PyTorch and numpy only (no Pillow, no wallpaper packages, no network).

  python3 model/gpu_train.py build/gpu-train --minutes 6 --device cuda --out "$OUT"
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import torch

import evaluate
import p2g_torch
import train


def quick_table(model, pack_dir, device):
    """{scale: (model dB, bicubic dB)} on the pack's validation crops (PSNR-Y, shave ceil(s))."""
    rows = {}
    model = model.to(device)
    with np.load(os.path.join(pack_dir, "validation.npz")) as v:
        for key in sorted(k for k in v.files if k.startswith("hr_x")):
            s = float(key[4:])
            ours = []
            for hr, lr in zip(v[key], v[f"lr_x{key[4:]}"]):
                x = torch.from_numpy(lr.copy()).permute(2, 0, 1)[None].float().to(device) / 255.0
                with torch.no_grad():
                    y = p2g_torch.render_field(model, x, hr.shape[0], hr.shape[1])[0]
                up = np.clip(np.floor(y.permute(1, 2, 0).cpu().numpy() * 255.0 + 0.5), 0, 255).astype(np.uint8)
                ours.append(evaluate.psnr_y(hr, up, math.ceil(s)))
            rows[s] = (float(np.mean(ours)), float(np.mean(v[f"bicubic_x{key[4:]}"])))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pack")
    p.add_argument("--out", default=os.environ.get("OUT", "build/gpu-train-out"))
    p.add_argument("--minutes", type=float, default=6.0)
    p.add_argument("--device", default="cuda")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=2e-4)
    p.add_argument("--ema", type=float, default=0.999)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lines = []

    def say(line=""):
        print(line, flush=True)
        lines.append(line)

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("gpu_train: CUDA is not available here (use --device cpu to try the recipe)")
    device_name = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "CPU"
    say(f"# GPU training run\n\ntorch {torch.__version__} on {device_name}, {args.minutes:g} min, "
        f"batch {args.batch}, learning rate {args.learning_rate:g}, EMA {args.ema:g}\n")
    init = os.path.join(args.pack, "init.pt")
    start_model, start_ckpt = evaluate.load_model(init)
    config = start_ckpt["config"]
    out_pt = os.path.join(args.out, "dgp-v3.pt")
    targs = train.parse_args([
        "--pack", os.path.join(args.pack, "tiles.npz"), "--init", init, "--out", out_pt,
        "--device", args.device, "--minutes", str(args.minutes), "--batch", str(args.batch),
        "--learning-rate", str(args.learning_rate), "--ema", str(args.ema),
        "--k", str(config["k"]), "--channels", str(config["channels"]), "--blocks", str(config["blocks"])])
    t0 = time.time()
    log_path = os.path.join(args.out, "train.log")
    with open(log_path, "w") as log:
        stdout, sys.stdout = sys.stdout, Tee(sys.stdout, log)
        try:
            train.train(targs)
        finally:
            sys.stdout = stdout
    model, ckpt = evaluate.load_model(out_pt)
    say(f"trained {ckpt['recipe']['steps']} steps in {time.time() - t0:.0f} s from {init} "
        f"({start_ckpt['recipe'].get('steps')} steps of its own last run)\n")
    before = quick_table(start_model, args.pack, args.device)
    after = quick_table(model, args.pack, args.device)
    say("| scale | start | trained | trained - start | trained - bicubic |")
    say("|---|---|---|---|---|")
    for s in sorted(after):
        say(f"| x{s:g} | {before[s][0]:.2f} | {after[s][0]:.2f} | {after[s][0] - before[s][0]:+.2f} "
            f"| {after[s][0] - after[s][1]:+.2f} |")
    say("\n(validation centre crops, one per held-out picture, PSNR-Y shaved; the full table: evaluate.py)")
    try:
        import export_onnx
        onnx_path = os.path.join(args.out, "dgp-v3.onnx")
        sys.argv = ["export_onnx.py", out_pt, "--out", onnx_path, "--name", "p2g-dgp-v3", "--no-parity"]
        export_onnx.main()
        say(f"exported {onnx_path}")
    except Exception as e:  # the checkpoint is the result; an exporter of another torch may refuse
        say(f"export failed ({type(e).__name__}: {e}); the checkpoint is exported here instead")
    with open(os.path.join(args.out, "gpu-train.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


class Tee:
    def __init__(self, *streams):
        self.streams = streams

    def write(self, text):
        for s in self.streams:
            s.write(text)

    def flush(self):
        for s in self.streams:
            s.flush()


if __name__ == "__main__":
    main()
