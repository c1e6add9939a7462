"""Writes the validation crops of model/evaluate.py as PNG pairs, for evaluations that run the
ONNX model itself through ONNX Runtime Java (dev.p2g.bench.PrecisionBenchmark: the int8 model's
loss against the float model's, on the same crops as the model card's table).

    /usr/bin/python3 model/export_validation_pairs.py OUT [--scales 2,3,4]

OUT/x{s}/{n}-hr.png is an HR crop of floor(96 s + 1/2) pixels, OUT/x{s}/{n}-lr.png its 96 x 96
bicubic degradation, exactly as evaluate.py makes them.
"""

import argparse
import os
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2g_data  # noqa: E402
from evaluate import LR_SIDE, crops  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--scales", default="2,3,4")
    args = p.parse_args()
    _, val = p2g_data.split()
    pictures = [p2g_data.load(path) for _, path in val]
    for s in [float(x) for x in args.scales.split(",")]:
        folder = os.path.join(args.out, "x%g" % s)
        os.makedirs(folder, exist_ok=True)
        side = p2g_data.hr_size(LR_SIDE, s)
        n = 0
        for img in pictures:
            for hr in crops(img, side):
                Image.fromarray(hr).save(os.path.join(folder, "%03d-hr.png" % n))
                Image.fromarray(p2g_data.degrade(hr, LR_SIDE, LR_SIDE)).save(os.path.join(folder, "%03d-lr.png" % n))
                n += 1
        print("x%g: %d pairs in %s" % (s, n, folder))


if __name__ == "__main__":
    main()
