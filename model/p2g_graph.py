"""A tiny numpy interpreter for the few ONNX operators the analytic model uses.

python3-onnx 1.12 (Debian bookworm) has no onnx.reference evaluator and no ONNX Runtime is
installable here, so the scripts run the model file itself through this: it reads the graph,
its initializers and attributes from the .onnx file and evaluates node by node, in float64.
A wiring or weight mistake in the file therefore shows up in verify.py; the Java tests run
the same file through ONNX Runtime as the independent check.
"""

import numpy as np
import onnx
from onnx import numpy_helper


def run(model, feeds):
    """Evaluates every node in graph order; returns {output name: array}."""
    graph = model.graph
    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    values.update(feeds)
    for node in graph.node:
        op = OPS.get(node.op_type)
        if op is None:
            raise NotImplementedError(f"p2g_graph has no {node.op_type}")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        inputs = [values[name] if name else None for name in node.input]
        outputs = op(inputs, attrs)
        for name, value in zip(node.output, outputs):
            values[name] = value
    return {out.name: values[out.name] for out in graph.output}


def _pad(inputs, attrs):
    x, pads = inputs[0], inputs[1].astype(np.int64)
    value = float(inputs[2]) if len(inputs) > 2 and inputs[2] is not None else 0.0
    mode = attrs.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    rank = x.ndim
    widths = [(int(pads[i]), int(pads[i + rank])) for i in range(rank)]
    if mode == "constant":
        return [np.pad(x, widths, mode="constant", constant_values=value)]
    return [np.pad(x, widths, mode={"edge": "edge", "reflect": "reflect"}[mode])]


def _conv(inputs, attrs):
    """2D cross-correlation (ONNX Conv), stride 1, no dilation, any group count."""
    x, w = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    bias = inputs[2] if len(inputs) > 2 else None
    if any(s != 1 for s in attrs.get("strides", [1, 1])) or \
            any(d != 1 for d in attrs.get("dilations", [1, 1])):
        raise NotImplementedError("p2g_graph Conv: strides and dilations must be 1")
    pads = attrs.get("pads", [0, 0, 0, 0])
    x = np.pad(x, [(0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])])
    group = attrs.get("group", 1)
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    out = np.zeros((n, m, oh, ow))
    per_group = m // group
    for oc in range(m):
        g = oc // per_group
        for ic in range(cg):
            src = x[:, g * cg + ic]
            for i in range(kh):
                for j in range(kw):
                    if w[oc, ic, i, j] != 0:
                        out[:, oc] += w[oc, ic, i, j] * src[:, i:i + oh, j:j + ow]
        if bias is not None:
            out[:, oc] += bias[oc]
    return [out]


def _slice(inputs, attrs):
    x, starts, ends = inputs[0], inputs[1], inputs[2]
    axes = inputs[3] if len(inputs) > 3 and inputs[3] is not None else range(len(starts))
    steps = inputs[4] if len(inputs) > 4 and inputs[4] is not None else [1] * len(starts)
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a)] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
    return [x[tuple(index)]]


def _constant_of_shape(inputs, attrs):
    value = numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, np.float32)
    return [np.full(tuple(int(d) for d in inputs[0]), value.reshape(-1)[0], dtype=value.dtype)]


OPS = {
    "Pad": _pad,
    "Conv": _conv,
    "Add": lambda i, a: [i[0] + i[1]],
    "Sub": lambda i, a: [i[0] - i[1]],
    "Mul": lambda i, a: [i[0] * i[1]],
    "Identity": lambda i, a: [i[0]],
    "Shape": lambda i, a: [np.array(i[0].shape, dtype=np.int64)],
    "Slice": _slice,
    "Concat": lambda i, a: [np.concatenate(i, axis=a["axis"])],
    "ConstantOfShape": _constant_of_shape,
}


def encode(model, rgb):
    """Runs the model on one image float [H, W, 3]; returns (offset, cholesky, color), each
    [C, kH, kW] float64, in the ONNX output layout without the batch axis."""
    x = np.ascontiguousarray(rgb.transpose(2, 0, 1)[None].astype(np.float32))
    name = model.graph.input[0].name
    out = run(model, {name: x})
    return tuple(np.asarray(out[k][0], np.float64) for k in ("offset", "cholesky", "color"))
