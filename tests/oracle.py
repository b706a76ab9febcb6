"""The tests' own second opinion: a few lines of Fractions that share nothing with the library's
evaluators, and a helper that moves one weight."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from exactnet.network import Layer, Network


def F(q: Any) -> Fraction:
    return Fraction(int(q.numerator), int(q.denominator))


def layers(net: Network) -> list[tuple[list[list[Fraction]], list[Fraction], bool]]:
    """The network's numbers as Fractions, per layer: (weights, bias, relu)."""
    return [([[F(w) for w in row] for row in L.weights], [F(b) for b in L.bias], L.activation == "relu")
            for L in net.layers]


def forward(net: Network, x: Any) -> list[Fraction]:
    """The exact output for one input, evaluated with Fractions."""
    v = [F(a) for a in x]
    for W, b, relu in layers(net):
        v = [sum((w * a for w, a in zip(row, v)), bo) for row, bo in zip(W, b)]
        v = [max(a, Fraction(0)) for a in v] if relu else v
    return v


def moved(net: Network, layer: int, i: int, j: int, delta: Any) -> Network:
    """``net`` with weight [i][j] of layer ``layer`` (0-based) moved by ``delta``."""
    all_layers = list(net.layers)
    W = [list(r) for r in all_layers[layer].weights]
    W[i][j] += delta
    all_layers[layer] = Layer(tuple(map(tuple, W)), all_layers[layer].bias, all_layers[layer].activation)
    return Network(tuple(all_layers))


def activations(net: Network, X: Any) -> list[list[list[Fraction]]]:
    """Every layer's exact activations (after relu; the last layer's outputs) at every input."""
    out: list[list[list[Fraction]]] = [[] for _ in net.layers]
    for x in X:
        v = [F(a) for a in x]
        for k, (W, b, relu) in enumerate(layers(net)):
            v = [sum((w * a for w, a in zip(row, v)), bo) for row, bo in zip(W, b)]
            v = [max(a, Fraction(0)) for a in v] if relu else v
            out[k].append(v)
    return out


def float_activations(net: Network, X: Any, dtype: Any, order: str = "blas") -> list[Any]:
    """Every layer's activations computed in numpy ``dtype``: "blas" (matrix products) or
    "reversed" (bias first, then the terms from the last input to the first, one rounding each)."""
    import numpy as np

    a = np.array([[float(F(v)) for v in x] for x in X]).astype(dtype)
    out = []
    for W, b, relu in layers(net):
        Wd = np.array([[float(w) for w in row] for row in W]).astype(dtype)
        bd = np.array([float(v) for v in b]).astype(dtype)
        if order == "blas":
            z = (a @ Wd.T + bd).astype(dtype)
        else:
            z = np.broadcast_to(bd, (a.shape[0], Wd.shape[0])).astype(dtype)
            for i in reversed(range(Wd.shape[1])):
                z = (z + (a[:, i:i + 1] * Wd[None, :, i]).astype(dtype)).astype(dtype)
        a = np.maximum(z, dtype(0)) if relu else z
        out.append(a)
    return out
