"""The rounded network as an ONNX model (opset 17): per layer MatMul, Add, and Relu between.

Input ``x`` (batch x inputs), output ``y`` (batch x outputs), both in the float dtype. onnx and
onnxruntime are optional (``pip install ".[onnx]"``) and imported only here, when needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exactnet.export.dtypes import ExportError, check_format_dtype
from exactnet.export.rounding import RoundedNetwork

OPSET = 17
IR_VERSION = 8  # the newest that every onnxruntime >= 1.17 loads


def _module(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        raise ExportError(f'the onnx format needs the {name} package: pip install ".[onnx]"') from None


def model_bytes(rounded: RoundedNetwork) -> bytes:
    """The serialized, checked model. Raises ``ExportError`` for a fixed-point dtype, without
    onnx, or when onnxruntime (if installed) cannot run the dtype."""
    check_format_dtype("onnx", rounded.dtype)
    onnx = _module("onnx")
    from onnx import helper, numpy_helper

    elem = helper.np_dtype_to_tensor_dtype(rounded.dtype.dtype)
    nodes, inits, cur = [], [], "x"
    last = len(rounded.arrays)
    for k, ((W, b), act) in enumerate(zip(rounded.arrays, rounded.activations), start=1):
        inits += [numpy_helper.from_array(np.ascontiguousarray(W.T), f"W{k}"), numpy_helper.from_array(b, f"b{k}")]
        z = "y" if k == last else f"z{k}"
        nodes += [helper.make_node("MatMul", [cur, f"W{k}"], [f"m{k}"]),
                  helper.make_node("Add", [f"m{k}", f"b{k}"], [z])]
        cur = z
        if act == "relu":
            nodes.append(helper.make_node("Relu", [z], [f"h{k}"]))
            cur = f"h{k}"
    d_in, d_out = rounded.arrays[0][0].shape[1], rounded.arrays[-1][0].shape[0]
    graph = helper.make_graph(nodes, "exactnet", [helper.make_tensor_value_info("x", elem, ["batch", d_in])],
                              [helper.make_tensor_value_info("y", elem, ["batch", d_out])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="exactnet")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return data
    try:
        session(data)
    except Exception as e:  # onnxruntime raises its own exception types
        raise ExportError(f"onnxruntime cannot run a {rounded.dtype.name} model on this machine ({_first_line(e)});"
                          " use float32 or float64") from None
    return data


def session(model: bytes | str) -> Any:
    """An onnxruntime CPU session for a model (bytes or a file path)."""
    ort = _module("onnxruntime")
    return ort.InferenceSession(model, providers=["CPUExecutionProvider"])


def run(model: bytes | str, X: np.ndarray) -> np.ndarray:
    """Outputs of the model on the batch ``X`` (in the model's dtype)."""
    return session(model).run(["y"], {"x": X})[0]


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0][:200]
