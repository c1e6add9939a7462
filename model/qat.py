#!/usr/bin/python3
"""Quantisation-aware training of the int8 variant (issue 32, item 2).

quantize_int8.py calibrates per-tensor activation ranges on photo crops after training: ranges
that fit photos clip graphics (the test card rendered 23 dB from the float field), and ranges
wide enough for graphics coarsen every photo's steps (0.3-0.6 dB at x2). Here the network trains
on with the int8 arithmetic simulated where the int8 model has it: every quantised convolution
(quantize_int8.QUANTISED) sees its input and output rounded to uint8 steps of per-tensor ranges
and its weights to int8 per output channel (straight-through gradients). The ranges follow the
activations of photo and synthetic-graphics batches alike (a running min / max, then frozen), and
the loss is the float model's own render (distillation): the int8 field learns to draw what the
float field draws, on photos and graphics, with ranges that hold both. The result is the float
weights and the ranges; quantize_int8.py --qat turns them into the QDQ model.

    /usr/bin/python3 model/qat.py sample-data/model/default.onnx --minutes 30 --out model/build/qat.pt
"""

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate  # noqa: E402
import p2g_data  # noqa: E402
import p2g_torch  # noqa: E402
import quantize_int8  # noqa: E402
import train  # noqa: E402


class FakeQuantConv(torch.nn.Module):
    """A Conv2d whose input, weights and output are rounded as the int8 model rounds them."""

    def __init__(self, conv, fixed_input=None):
        super().__init__()
        self.conv = conv
        self.fixed_input = fixed_input  # head_in sees image - 0.5: its whole range, always
        self.register_buffer("ranges", torch.tensor([math.inf, -math.inf, math.inf, -math.inf]))
        self.observing = True

    def _observe(self, i, t):
        with torch.no_grad():
            lo, hi = float(t.min()), float(t.max())
            if math.isinf(float(self.ranges[i])):
                self.ranges[i], self.ranges[i + 1] = lo, hi
            else:  # widened by 1 % of each batch's excess: one odd batch does not set the step
                self.ranges[i] = 0.99 * self.ranges[i] + 0.01 * min(lo, float(self.ranges[i]))
                self.ranges[i + 1] = 0.99 * self.ranges[i + 1] + 0.01 * max(hi, float(self.ranges[i + 1]))

    def forward(self, x):
        if self.observing:
            self._observe(0, x)
        lo, hi = self.fixed_input or (float(self.ranges[0]), float(self.ranges[1]))
        x = fake_uint8(x, lo, hi)
        w = self.conv.weight
        scale = (w.detach().abs().flatten(1).amax(dim=1).clamp(min=1e-12) / 127.0)
        w = torch.fake_quantize_per_channel_affine(w, scale, torch.zeros_like(scale, dtype=torch.int32), 0,
                                                   -127, 127)
        y = self.conv._conv_forward(x, w, self.conv.bias)
        if self.observing:
            self._observe(2, y)
        return fake_uint8(y, float(self.ranges[2]), float(self.ranges[3]))


def fake_uint8(t, lo, hi):
    scale, zero = quantize_int8.uint8_params(lo, hi)
    return torch.fake_quantize_per_tensor_affine(t, float(scale), int(zero), 0, 255)


def wrap(model):
    """Replaces the quantised convolutions by FakeQuantConv; returns them by name."""
    wrapped = {}
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, torch.nn.Conv2d) and quantize_int8.quantised(full):
                fq = FakeQuantConv(child, (-0.5, 0.5) if full == "head_in" else None)
                setattr(module, child_name, fq)
                wrapped[full] = fq
    return wrapped


def graphics_batch(seed, n, lr_patch):
    """n windows of lr_patch pixels of new synthetic graphics crops (quantize_int8.graphics_crops)."""
    crops = quantize_int8.graphics_crops(n, seed=seed)
    rng = np.random.default_rng(seed)
    out = []
    for c in crops:
        y, x = (int(v) for v in rng.integers(0, c.shape[-1] - lr_patch + 1, 2))
        out.append(c[:, y:y + lr_patch, x:x + lr_patch])
    return torch.stack(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="the float model (.onnx or .pt)")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--observe", type=float, default=0.2, help="share of the budget the ranges follow the data")
    p.add_argument("--learning-rate", type=float, default=2e-5)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr-patch", type=int, default=32)
    p.add_argument("--graphics-every", type=int, default=3, help="every n-th batch is synthetic graphics")
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--out", default="model/build/qat.pt")
    args = p.parse_args()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    teacher, ckpt = evaluate.load_model(args.model)
    student, _ = evaluate.load_model(args.model)
    for q in teacher.parameters():
        q.requires_grad_(False)
    convs = wrap(student)
    source = train.Pictures()
    optimiser = torch.optim.Adam(student.parameters(), lr=args.learning_rate)
    field_reach = p2g_torch.reach(teacher.max_offset_norm, teacher.max_sigma)
    budget, start, step, window = args.minutes * 60, time.time(), 0, []
    while time.time() - start < budget:
        frac = (time.time() - start) / budget
        observing = frac < args.observe
        for fq in convs.values():
            fq.observing = observing
        for group in optimiser.param_groups:
            group["lr"] = args.learning_rate * 0.5 * (1 + math.cos(math.pi * frac))
        if step % args.graphics_every == args.graphics_every - 1:
            lr_img = graphics_batch(args.seed * 100003 + step, args.batch, args.lr_patch)
        else:
            lr_img, _ = train.batch(source, rng, args.lr_patch, args.batch, rng.uniform(2, 4), "cpu")
        side = p2g_data.hr_size(args.lr_patch, rng.uniform(1, 4))
        with torch.no_grad():
            want = p2g_torch.render(*teacher(lr_img), teacher.k, side, side, field_reach)
        got = p2g_torch.render(*student(lr_img), student.k, side, side, field_reach, clamp=False)
        loss = (got.clamp(0, 1) - want).abs().mean() + 0.1 * (got - got.clamp(0, 1)).abs().mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        window.append(loss.item())
        step += 1
        if step % 50 == 0:
            print(f"step {step:5d}  {(time.time() - start) / 60:5.1f} min  {'observing' if observing else 'frozen'}"
                  f"  L1 to the float render {np.mean(window):.5f}", flush=True)
            window = []
    # the float weights the int8 model is made from, under their own names, and the ranges
    state = {k.replace(".conv.", "."): v for k, v in student.state_dict().items() if not k.endswith(".ranges")}
    ranges = {name: [float(v) for v in fq.ranges] for name, fq in convs.items()}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    recipe = dict(ckpt["recipe"], qat=dict(vars(args), steps=step))
    torch.save({"config": ckpt["config"], "recipe": recipe, "state": state, "ranges": ranges}, args.out)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump({"ranges": ranges, "qat": recipe["qat"]}, f, indent=1)
    print(f"QAT: {step} steps in {(time.time() - start) / 60:.1f} min; wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
