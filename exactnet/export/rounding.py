"""A network with every weight and bias rounded to a target type.

``RoundedNetwork`` keeps each layer three ways: the stored numbers (``arrays``: floats of the
target dtype, or the fixed-point integers), their exact rational values (``exact``, a
``Network`` when every number is finite), and the count of numbers that overflowed to infinity
(float types only). Fixed-point rounding refuses a format that cannot hold a number and names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.export.dtypes import ExportError, FixedType, FloatType, round_fixed, round_float, to_numpy
from exactnet.network import Layer, Network
from exactnet.rational import Q, to_rational


@dataclass(frozen=True)
class RoundedNetwork:
    """``arrays[k] = (W, b)`` with W out x in; ``exact`` is None when some number overflowed."""

    dtype: FloatType | FixedType
    arrays: tuple[tuple[np.ndarray, np.ndarray], ...]
    exact: Network | None
    overflowed: int
    activations: tuple[str, ...]


def round_network(net: Network, dtype: FloatType | FixedType) -> RoundedNetwork:
    """Round every number of ``net`` to ``dtype`` (nearest, ties to even).

    Raises ``ExportError`` naming the first weight or bias (layer, position) a fixed format
    cannot hold, with its magnitude and the integer bits it needs."""
    if isinstance(dtype, FloatType):
        return _round_float(net, dtype)
    return _round_fixed(net, dtype)


def _round_float(net: Network, ft: FloatType) -> RoundedNetwork:
    arrays, layers, overflowed = [], [], 0
    for layer in net.layers:
        W = [[round_float(w, ft) for w in row] for row in layer.weights]
        b = [round_float(v, ft) for v in layer.bias]
        overflowed += sum(1 for v in [*b, *(w for row in W for w in row)] if not v.is_finite())
        arrays.append((to_numpy(W, ft), to_numpy(b, ft)))
        layers.append((W, b, layer.activation))
    exact = None
    if not overflowed:
        exact = Network(tuple(Layer(tuple(tuple(map(to_rational, row)) for row in W), tuple(map(to_rational, b)), a)
                              for W, b, a in layers))
    return RoundedNetwork(ft, tuple(arrays), exact, overflowed, tuple(layer.activation for layer in net.layers))


def _round_fixed(net: Network, fx: FixedType) -> RoundedNetwork:
    arrays, layers = [], []
    scale = Q(1, 1 << fx.frac_bits)
    for k, layer in enumerate(net.layers, start=1):
        W = [[_fixed(w, fx, f"layer {k} weight [{i}][{j}]") for j, w in enumerate(row)]
             for i, row in enumerate(layer.weights)]
        b = [_fixed(v, fx, f"layer {k} bias [{i}]") for i, v in enumerate(layer.bias)]
        arrays.append((np.array(W, dtype=fx.dtype).reshape(len(W), -1), np.array(b, dtype=fx.dtype)))
        layers.append(Layer(tuple(tuple(w * scale for w in row) for row in W), tuple(v * scale for v in b),
                            layer.activation))
    return RoundedNetwork(fx, tuple(arrays), Network(tuple(layers)), 0, tuple(layer.activation for layer in net.layers))


def _fixed(q: Any, fx: FixedType, where: str) -> int:
    k = round_fixed(q, fx.frac_bits)
    if not fx.fits(k):
        raise ExportError(
            f"{fx.name} cannot hold {where} = {float(q):.6g} (|value| < 2^{fx.int_bits - 1} needed;"
            f" this one needs {integer_bits(q)} integer bits)"
        )
    return k


def integer_bits(q: Any) -> int:
    """Integer bits m (sign included) with |q| < 2^(m-1): the smallest Qm.n range that reaches |q|."""
    q = abs(to_rational(q))
    return (int(q.numerator) // int(q.denominator)).bit_length() + 1


def quantize_inputs(X: Sequence[Sequence[Any]], fx: FixedType) -> tuple[list[list[int]], int]:
    """Data inputs as fixed-point integers (nearest, ties to even), saturated to the range;
    returns the integers and how many saturated."""
    out, saturated = [], 0
    for x in X:
        row = []
        for v in x:
            k = round_fixed(v, fx.frac_bits)
            if not fx.fits(k):
                saturated += 1
                k = min(max(k, fx.lo), fx.hi)
            row.append(k)
        out.append(row)
    return out, saturated
