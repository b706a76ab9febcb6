"""Exact values inside a network on data: every layer's pre-activations, by the verifier's engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exactnet.network import Layer, Network
from exactnet.verify import HAVE_FLINT, evaluate_all


def preactivations(net: Network, X: Sequence[Sequence[Any]]) -> list[list[tuple[Any, ...]]]:
    """``out[k][n]``: the exact pre-activation vector of layer k + 1 at input ``X[n]`` (Fractions).

    The last entry is the network's output."""
    engine = "flint" if HAVE_FLINT else "python"
    out = []
    for k in range(1, len(net.layers) + 1):
        last = net.layers[k - 1]
        head = net.layers[: k - 1] + (Layer(last.weights, last.bias, "linear"),)
        out.append(evaluate_all(Network(head), X, engine=engine))
    return out
