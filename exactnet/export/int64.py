"""Exact int64 export: the network's int64 form at the certificate's grids (``exactnet.verifier.span``).

Layer l stores ``W * 2^(G_l - G_{l-1})`` and ``b * 2^G_l`` as int64; inputs enter as
``x * 2^G_0``; each layer accumulates ``b + sum W a`` in int64, applies relu, and hands its
accumulator on unchanged (units of ``2^-G_l``); the outputs are ``y * 2^G_L``. Nothing is
rounded: where the int64 certificate holds on the data (every span <= 63), no product and no
partial sum overflows in any order, so this evaluation is exact there. ``build`` refuses a
network or data without that certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.data.dataset import Dataset
from exactnet.export.dtypes import ExportError
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.verifier import span
from exactnet.verifier.dyadic import Dyadic

NAME = "int64"


@dataclass(frozen=True)
class Int64Network:
    """Per layer (W, b) as int64 arrays; ``grids`` is (G_0, G_1, ..., G_L)."""

    arrays: tuple[tuple[np.ndarray, np.ndarray], ...]
    grids: tuple[int, ...]
    activations: tuple[str, ...]
    arithmetic: span.Arithmetic


def build(net: Network, data: Dataset) -> Int64Network:
    """The int64 form of ``net``; raises ``ExportError`` unless the int64 certificate holds on
    ``data`` (the grids and the proof both come from the data)."""
    g, why = span.grids(net, data.X)
    if g is None:
        raise ExportError(f"int64 export needs a dyadic network and data: {why}")
    arithmetic = Dyadic(net, data.X, g).arithmetic()
    if not arithmetic.int64:
        raise ExportError(f"int64 export needs the int64 certificate on the data: {arithmetic.summary('int64')[4:]}")
    arrays = tuple((np.array(W, dtype=np.int64), np.array(b, dtype=np.int64)) for W, b in span.integer_layers(net, g))
    return Int64Network(arrays, (g.inputs, *g.layers), tuple(layer.activation for layer in net.layers), arithmetic)


def scaled_inputs(net: Int64Network, X: Sequence[Sequence[Any]]) -> np.ndarray:
    """The inputs as int64 ``x * 2^G_0`` (exact: the certificate covers them)."""
    return np.array([[span.scaled(v, net.grids[0]) for v in x] for x in X], dtype=np.int64)


def forward(net: Int64Network, Xi: np.ndarray) -> np.ndarray:
    """The int64 evaluation the C code performs (numpy int64, wrapping like C on overflow)."""
    A = Xi
    for (W, b), act in zip(net.arrays, net.activations):
        A = A @ W.T + b
        if act == "relu":
            A = np.maximum(A, 0)
    return A


def outputs(net: Int64Network, data: Dataset) -> list[list[Any]]:
    """The exact outputs of the int64 evaluation on ``data``, as rationals."""
    unit = Q(2) ** net.grids[-1]
    return [[Q(int(v)) / unit for v in row] for row in forward(net, scaled_inputs(net, data.X))]


def npz_arrays(net: Int64Network) -> dict[str, Any]:
    """The archive's arrays: W1, b1, ... (int64), the grids and the activations."""
    arrays: dict[str, Any] = {"dtype": np.array(NAME), "activations": np.array(net.activations),
                              "grids": np.array(net.grids, dtype=np.int64)}
    for k, (W, b) in enumerate(net.arrays, start=1):
        arrays[f"W{k}"], arrays[f"b{k}"] = W, b
    return arrays
