#!/usr/bin/python3
"""Packs what the GPU training recipe needs (docs/gpu-kit.md, "Training"), for a machine with
PyTorch but no network, no wallpaper packages and perhaps no Pillow:

* `tiles.npz`: square uint8 tiles of the training pictures (never a validation one), each the
  most textured of a few random candidates, so that no step is spent on flat sky; train.py
  crops and degrades them on the GPU (p2g_resize: Pillow's bicubic bytes);
* `validation.npz`: the centre crop of every validation picture at x2, x3 and x4 (evaluate.py's
  crop 2 of 3) with its LR (Pillow's bicubic) and the bicubic upscale's PSNR-Y, for the quick
  table the recipe prints (the full table runs here, evaluate.py);
* `init.pt`: the checkpoint training continues from.

  /usr/bin/python3 model/gpu_pack.py model/checkpoints/dgp-v3.pt build/gpu-train [--mib 44]
"""

import argparse
import math
import os
import random
import shutil

import numpy as np
import torch

import evaluate
import p2g_data

TILE = 192
CANDIDATES = 4
VALIDATION_SCALES = (2, 3, 4)


def textured_tile(img, rng):
    best, best_score = None, -1.0
    h, w, _ = img.shape
    for _ in range(CANDIDATES):
        y, x = rng.randrange(h - TILE + 1), rng.randrange(w - TILE + 1)
        tile = img[y:y + TILE, x:x + TILE]
        score = float(tile.astype(np.float32).std())
        if score > best_score:
            best, best_score = tile, score
    return best


def write_tiles(path, images, budget_bytes, seed=7):
    """As many tiles as fit the budget compressed, drawn evenly over the pictures."""
    rng = random.Random(seed)
    usable = [img for img in images if img.shape[0] >= TILE and img.shape[1] >= TILE]
    tiles = [textured_tile(usable[i % len(usable)], rng) for i in range(4096)]
    count = len(tiles)
    while True:
        np.savez_compressed(path, tiles=np.stack(tiles[:count]))
        size = os.path.getsize(path)
        if size <= budget_bytes:
            return count, size
        count = int(count * budget_bytes / size * 0.97)


def write_validation(path, pictures):
    from PIL import Image
    arrays = {}
    for s in VALIDATION_SCALES:
        side = p2g_data.hr_size(evaluate.LR_SIDE, s)
        hrs, lrs, bicubic = [], [], []
        for img in pictures:
            hr = evaluate.crops(img, side)[1]
            lr = p2g_data.degrade(hr, evaluate.LR_SIDE, evaluate.LR_SIDE)
            up = np.asarray(Image.fromarray(lr).resize((side, side), Image.BICUBIC))
            hrs.append(hr)
            lrs.append(lr)
            bicubic.append(evaluate.psnr_y(hr, up, math.ceil(s)))
        arrays[f"hr_x{s}"] = np.stack(hrs)
        arrays[f"lr_x{s}"] = np.stack(lrs)
        arrays[f"bicubic_x{s}"] = np.array(bicubic)
    np.savez_compressed(path, **arrays)
    return os.path.getsize(path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("init", help="the checkpoint to continue from (.pt, or an exported .onnx)")
    p.add_argument("out", help="the pack's folder (emptied first)")
    p.add_argument("--mib", type=float, default=44.0, help="budget of tiles.npz")
    args = p.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    train, val = p2g_data.split()
    count, size = write_tiles(os.path.join(args.out, "tiles.npz"), [p2g_data.load(path) for _, path in train],
                              int(args.mib * 1024 * 1024))
    print(f"tiles.npz: {count} tiles of {TILE} px from {len(train)} training pictures, {size / 2**20:.1f} MiB")
    size = write_validation(os.path.join(args.out, "validation.npz"), [p2g_data.load(path) for _, path in val])
    print(f"validation.npz: {len(val)} centre crops at x{', x'.join(map(str, VALIDATION_SCALES))}, "
          f"{size / 2**20:.1f} MiB")
    model, ckpt = evaluate.load_model(args.init)  # a .pt checkpoint, or an exported .onnx
    torch.save({"config": ckpt["config"], "recipe": ckpt["recipe"], "state": model.state_dict()},
               os.path.join(args.out, "init.pt"))


if __name__ == "__main__":
    main()
