"""Writes small ONNX models that each break the model contract (shared/DESIGN.md) in exactly
one way, for the Java tests of the job's model check, into udf/src/test/resources/models/.

Each is the analytic model with one change, so a test that accepts the analytic model and
refuses the variant proves the check looks at that one thing. The good model itself is not
copied: tests load udf/src/test/resources/models/analytic-v1.onnx.

Usage: /usr/bin/python3 model/make_test_models.py [--out udf/src/test/resources/models]
"""

import argparse
import os

import onnx
from onnx import TensorProto, helper, numpy_helper
import numpy as np

import make_analytic_model

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "udf", "src", "test", "resources", "models")


def rename_output(model, old, new):
    """Renames a graph output and the node output that produces it."""
    for node in model.graph.node:
        node.output[:] = [new if name == old else name for name in node.output]
    for out in model.graph.output:
        if out.name == old:
            out.name = new


def wrong_output_name(model):
    # British spelling: a plausible mistake a check must catch by exact name.
    rename_output(model, "color", "colour")


def wrong_shape(model):
    """color keeps only 2 of its 3 channels."""
    rename_output(model, "color", "color_rgb")
    model.graph.initializer.extend([
        numpy_helper.from_array(np.array([0], np.int64), "first_channel"),
        numpy_helper.from_array(np.array([2], np.int64), "after_second_channel"),
        numpy_helper.from_array(np.array([1], np.int64), "channel_axis"),
    ])
    model.graph.node.append(helper.make_node(
        "Slice", ["color_rgb", "first_channel", "after_second_channel", "channel_axis"],
        ["color"]))
    for out in model.graph.output:
        if out.name == "color_rgb":
            out.CopyFrom(helper.make_tensor_value_info(
                "color", TensorProto.FLOAT, ["N", 2, "H", "W"]))


def missing_metadata(model):
    set_metadata(model, {"field.k": None})


def bad_k(model):
    # Claims 2x2 Gaussians per pixel while the outputs stay on the 1x1 grid [N, C, H, W].
    set_metadata(model, {"field.k": "2"})


def set_metadata(model, changes):
    """Applies key -> value changes to metadata_props; None removes the key."""
    props = {p.key: p.value for p in model.metadata_props}
    for key, value in changes.items():
        if value is None:
            props.pop(key, None)
        else:
            props[key] = value
    del model.metadata_props[:]
    onnx.helper.set_model_props(model, props)


BROKEN = {
    "wrong-output-name.onnx": wrong_output_name,
    "wrong-shape.onnx": wrong_shape,
    "missing-metadata.onnx": missing_metadata,
    "bad-k.onnx": bad_k,
}
NOT_ONNX = b"this is not an ONNX model, just text\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = os.path.normpath(parser.parse_args().out)
    os.makedirs(out, exist_ok=True)
    for name, breaker in BROKEN.items():
        model = make_analytic_model.build_model()
        breaker(model)
        # Still a valid ONNX graph: only the p2g contract is broken.
        onnx.checker.check_model(model, full_check=True)
        path = os.path.join(out, name)
        onnx.save(model, path)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    path = os.path.join(out, "not-onnx.onnx")
    with open(path, "wb") as f:
        f.write(NOT_ONNX)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
