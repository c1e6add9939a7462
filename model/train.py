#!/usr/bin/python3
"""Trains the default Pixel-to-Gaussian encoder on bicubic-degraded wallpaper crops.

Every batch draws one scale s ~ U(2, 4), crops HR patches of floor(lr * s + 1/2) pixels from the
training pictures (random flips and quarter turns), makes their LR inputs with a bicubic
downscale, encodes them, renders the field at the HR size with the exact renderer of
p2g_torch.py, and minimises the L1 difference. The schedule is a time budget (cosine decay of
the learning rate over it), so a run takes what it was given on any machine.

  /usr/bin/python3 model/train.py            # the default recipe: 25 minutes, model/build/default.pt
"""

import argparse
import json
import math
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

import p2g_data
import p2g_resize
import p2g_torch

# The render is clamped to [0, 1], and a clamped pixel passes no gradient: this small penalty on
# the part outside the range leads sums that overshoot back to where the loss can see them.
OUT_OF_RANGE_WEIGHT = 0.1
# The outermost LR pixel of a crop (ceil(s) HR pixels, what the validation PSNR shaves) has no
# Gaussians beyond it. Before the encoder's border correction (p2g_torch) its error was ten
# times the interior's, and at weight 1 or 0.25 learning to lift it cost the interior (measured);
# with the correction it starts near the interior's, and this weight is a hedge between the two.
BORDER_WEIGHT = 0.5


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=25.0, help="training time budget")
    p.add_argument("--out", default="model/build/default.pt")
    p.add_argument("--k", type=int, default=2)
    p.add_argument("--channels", type=int, default=64)
    p.add_argument("--blocks", type=int, default=5)
    p.add_argument("--lr-patch", type=int, default=24, help="LR crop side")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--min-scale", type=float, default=2.0)
    p.add_argument("--max-scale", type=float, default=4.0)
    p.add_argument("--learning-rate", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--pack", help="train on the tiles of this pack (gpu_pack.py) instead of the pictures")
    p.add_argument("--init", help="start from these weights (a .pt checkpoint or an exported .onnx);"
                   " blocks beyond theirs start as identities")
    p.add_argument("--warmup", type=int, default=100, help="steps of linear learning-rate warm-up")
    p.add_argument("--ema", type=float, default=0.0,
                   help="decay of an exponential moving average of the weights, which is what gets"
                        " saved (0: the weights as trained)")
    return p.parse_args(argv)


class Pictures:
    """Crops of the training pictures (p2g_data: the wallpaper packages, read with Pillow)."""

    def __init__(self):
        train, val = p2g_data.split()
        t0 = time.time()
        self.images = [p2g_data.load(path) for _, path in train]
        self.summary = (f"{len(self.images)} training pictures ({len(val)} held out), "
                        f"loaded in {time.time() - t0:.0f} s")

    def crop(self, rng, side):
        while True:
            img = self.images[rng.randrange(len(self.images))]
            h, w, _ = img.shape
            if h >= side and w >= side:
                y = rng.randrange(h - side + 1)
                x = rng.randrange(w - side + 1)
                return img[y:y + side, x:x + side]


class TilePack:
    """Crops of the tiles a pack holds (gpu_pack.py): training without the packages or Pillow."""

    def __init__(self, path):
        with np.load(path) as pack:
            self.tiles = pack["tiles"]
        self.summary = f"{len(self.tiles)} tiles of {self.tiles.shape[1]} px from {path}"

    def crop(self, rng, side):
        tile = self.tiles[rng.randrange(len(self.tiles))]
        y = rng.randrange(tile.shape[0] - side + 1)
        x = rng.randrange(tile.shape[1] - side + 1)
        return tile[y:y + side, x:x + side]


def batch(source, rng, lr_patch, n, scale, device):
    """(LR [n,3,p,p], HR [n,3,P,P]) float tensors in [0, 1] on device, LR the 8-bit bicubic
    downscale of HR (p2g_resize: Pillow's bytes, computed on the training device)."""
    hr_side = p2g_data.hr_size(lr_patch, scale)
    hr = []
    for _ in range(n):
        crop = source.crop(rng, hr_side)
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        hr.append(np.ascontiguousarray(np.rot90(crop, rng.randrange(4))))
    hr8 = torch.from_numpy(np.stack(hr)).permute(0, 3, 1, 2).to(device)
    lr8 = p2g_resize.bicubic_downscale(hr8, lr_patch, lr_patch)
    return lr8.float() / 255.0, hr8.float() / 255.0


def border_weights(side, band):
    w = torch.full((side, side), BORDER_WEIGHT)
    w[band:side - band, band:side - band] = 1.0
    return w


def main():
    train(parse_args())


def train(args):
    """Trains as args say and saves the checkpoint to args.out; returns its path."""
    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        torch.set_num_threads(max(1, len(__import__("os").sched_getaffinity(0))))
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    source = TilePack(args.pack) if args.pack else Pictures()
    print(f"training on {source.summary}", flush=True)

    model = p2g_torch.GaussianEncoder(k=args.k, channels=args.channels, blocks=args.blocks)
    if args.init:
        print(f"starting from {args.init}: {warm_start(model, args.init)}", flush=True)
    model = model.to(args.device)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    ema = WeightAverage(model, args.ema) if args.ema > 0 else None
    budget = args.minutes * 60.0
    start = time.time()
    step, window = 0, []
    while True:
        elapsed = time.time() - start
        if elapsed >= budget:
            break
        # Cosine decay over the time budget, after a short warm-up.
        frac = elapsed / budget
        lr_now = args.learning_rate * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for group in optimiser.param_groups:
            group["lr"] = lr_now
        scale = rng.uniform(args.min_scale, args.max_scale)
        lr_img, hr_img = batch(source, rng, args.lr_patch, args.batch, scale, args.device)
        out = p2g_torch.render_field(model, lr_img, hr_img.shape[2], hr_img.shape[3], clamp=False)
        error = (out.clamp(0.0, 1.0) - hr_img).abs()
        weights = border_weights(hr_img.shape[2], math.ceil(scale)).to(error.device)
        loss = (error * weights).sum() / (weights.sum() * error.shape[0] * error.shape[1]) \
            + OUT_OF_RANGE_WEIGHT * (out - out.clamp(0.0, 1.0)).abs().mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if ema:
            ema.update(model, step)
        window.append(loss.item())
        step += 1
        if step % 100 == 0:
            print(f"step {step:6d}  {elapsed / 60:6.1f} min  lr {lr_now:.2e}  L1 {np.mean(window):.5f}", flush=True)
            window = []
        if step % 500 == 0:
            save(ema.model if ema else model, args, step, time.time() - start)
    save(ema.model if ema else model, args, step, time.time() - start)
    print(f"trained {step} steps in {(time.time() - start) / 60:.1f} min", flush=True)
    return args.out


class WeightAverage:
    """An exponential moving average of the weights (the saved model when --ema is set): late in a
    run the weights still jump with each batch, and their average sits nearer the minimum."""

    def __init__(self, model, decay):
        import copy
        self.model = copy.deepcopy(model)
        self.decay = decay

    @torch.no_grad()
    def update(self, model, step):
        # A short memory at first, so the average does not drag the starting weights along.
        d = min(self.decay, (1 + step) / (10 + step))
        for mine, theirs in zip(self.model.parameters(), model.parameters()):
            mine.mul_(d).add_(theirs.detach(), alpha=1 - d)


def warm_start(model, path):
    """Copies every weight of the same name and shape. A residual block the source lacks gets a
    zero second conv, so it starts as the identity and the model starts as the source's function
    (more depth without losing what was learnt). Returns a one-line summary."""
    import evaluate
    source = evaluate.load_model(path)[0].state_dict()
    state = model.state_dict()
    copied = [name for name, value in source.items() if name in state and state[name].shape == value.shape]
    missing = [name for name in state if name not in copied]
    for name in copied:
        state[name] = source[name]
    new_blocks = sorted({name.split(".")[1] for name in missing if name.startswith("body.")}, key=int)
    for block in new_blocks:
        state[f"body.{block}.b.weight"].zero_()
        state[f"body.{block}.b.bias"].zero_()
    model.load_state_dict(state)
    others = [n for n in missing if not n.startswith("body.") and n != "dictionary"]
    if others:
        raise SystemExit(f"{path} lacks {others}: warm starts only add residual blocks")
    return f"{len(copied)} tensors copied, new identity blocks {new_blocks or 'none'}"


def save(model, args, step, seconds):
    import os
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    config = {"k": args.k, "channels": args.channels, "blocks": args.blocks}
    recipe = dict(vars(args), steps=step, seconds=round(seconds),
                  torch=torch.__version__, threads=torch.get_num_threads())
    torch.save({"config": config, "recipe": recipe, "state": model.state_dict()}, args.out)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(recipe, f, indent=1)


if __name__ == "__main__":
    main()
