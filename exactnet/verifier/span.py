"""The bit-span certificate: when float64 (IEEE binary64) or int64 evaluation of a network on its
data is exact, in any summation order, proven from the stored weights and data alone.

Grids. Every number of a dyadic network is an integer multiple of a power of two. Let ``G_0``
be the finest grid of the inputs (the largest ``e`` such that some input needs the denominator
``2^e``), and for layer l with weight grid ``fw`` and bias grid ``fb``:

    G_l = max(fw + G_{l-1}, fb)

so every product ``W[o, i] * a_i`` and every bias of layer l, hence every partial sum of its
pre-activations in any order, is an integer multiple of ``2^-G_l``. The layer's *bound* is

    M_l = max over data points and neurons o of  sum_i |W[o, i]| * |a_i| + |b_o|

and its **span** is the bit length of the integer ``M_l * 2^G_l``: every partial sum, in any
order, with or without fused multiply-add, is a multiple of ``2^-G_l`` of at most ``span`` bits.

* binary64: every weight, bias and input is a binary64 number and every span is at most 53.
  Then no product or partial sum is ever rounded: float64 evaluation equals the exact one.
* int64: every span is at most 63 (and the scaled weights fit). Then the integer network
  ``W_int = W * 2^(G_l - G_{l-1})``, ``b_int = b * 2^G_l``, inputs ``x * 2^G_0`` evaluates in
  int64 without overflow, activations of layer l in units of ``2^-G_l``.

The float64 bound is decisive when computed in float64 itself: all its terms are non-negative
multiples of ``2^-G_l``, so sums below ``2^(53 - G_l)`` are exact and rounding (monotone) never
brings a larger sum below that power of two. ``float_layer`` relies on that. BLAS must compute
each entry from the products and sums of its terms (as OpenBLAS and MKL do; no Strassen-like
schemes, which subtract).

This module imports nothing from ``exactnet.construct``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.data.integer_rows import IntegerRows
from exactnet.network import Network
from exactnet.rational import Q, to_text

FLOAT64_SPAN = 53
INT64_SPAN = 63
SCALED_WEIGHT = "a scaled weight needs more than 63 bits"


@dataclass(frozen=True)
class Grids:
    """Per layer: the weight grid exponent (None: every weight 0), the accumulator grid ``G_l``;
    and ``G_0``, the input grid."""

    inputs: int
    weights: tuple[int | None, ...]
    layers: tuple[int, ...]

    def before(self, layer: int) -> int:
        """The grid of layer ``layer``'s inputs (0-based layer index)."""
        return self.inputs if layer == 0 else self.layers[layer - 1]

    def weight_scale(self, layer: int) -> int:
        """``G_l - G_{l-1}``: the power of two that makes the layer's weights integers."""
        return self.layers[layer] - self.before(layer)


@dataclass(frozen=True)
class Arithmetic:
    """The arithmetics a network is exact in on a data set, beyond the rationals.

    ``spans`` has one entry per layer (empty when the network or data are not dyadic, with
    ``reason`` saying which number is not); ``binary64`` and ``int64`` are the verdicts."""

    spans: tuple[int, ...]
    grids: Grids | None
    binary64: bool
    int64: bool
    reason: str = ""

    @classmethod
    def not_dyadic(cls, reason: str) -> Arithmetic:
        """The verdict for a network or data with a number that is not dyadic: neither."""
        return cls((), None, False, False, reason)

    @property
    def span(self) -> int | None:
        """The largest span over the layers (None when not dyadic)."""
        return max(self.spans) if self.spans else None

    def to_json(self) -> dict[str, Any]:
        return {
            "span": self.span,
            "spans": list(self.spans),
            "grids": None if self.grids is None else [self.grids.inputs, *self.grids.layers],
            "binary64": self.binary64,
            "int64": self.int64,
            **({"reason": self.reason} if self.reason else {}),
        }

    def summary(self, fmt: str) -> str:
        """One line for ``fmt`` "binary64" or "int64": the verdict and why."""
        ok = self.binary64 if fmt == "binary64" else self.int64
        limit = FLOAT64_SPAN if fmt == "binary64" else INT64_SPAN
        if self.span is None:
            return f"no: {self.reason}"
        if ok:
            return f"yes: span {self.span} <= {limit}"
        if self.span > limit:
            return f"no: span {self.span} > {limit}"
        # within the span limit: binary64 fails only for a number that is not binary64 (the
        # reason), int64 only for a weight that needs more than 63 bits once scaled
        return f"no: {self.reason}" if fmt == "binary64" else f"no: {SCALED_WEIGHT}"


def exponent(q: Any) -> int | None:
    """The grid exponent of a nonzero dyadic rational (``q = odd * 2^-e`` gives e), None when
    ``q`` is not dyadic. Raises ``ValueError`` for 0."""
    n, d = int(q.numerator), int(q.denominator)
    if n == 0:
        raise ValueError("0 lies on every grid")
    if d & (d - 1):
        return None
    return (d.bit_length() - 1) - ((n & -n).bit_length() - 1)


def is_binary64(q: Any) -> bool:
    """True when the rational ``q`` is exactly an IEEE binary64 number (normal or subnormal)."""
    n, d = int(q.numerator), int(q.denominator)
    if n == 0:
        return True
    if d & (d - 1):
        return False
    n = abs(n)
    low = (n & -n).bit_length() - 1
    odd_bits = (n >> low).bit_length()
    power = low - (d.bit_length() - 1)  # q = odd * 2^power
    return odd_bits <= 53 and power >= -1074 and odd_bits + power <= 1024


def _grid(values: Sequence[Any], what: str, start: int = 0) -> tuple[int | None, str]:
    """The finest grid exponent over the nonzero ``values`` (None if all are 0), or a reason
    naming the first that is not dyadic (``what`` and its index counted from ``start``)."""
    best: int | None = None
    for k, v in enumerate(values, start=start):
        if v == 0:
            continue
        e = exponent(v)
        if e is None:
            return None, f"{what} {k} ({to_text(v)}) is not dyadic"
        best = e if best is None else max(best, e)
    return best, ""


def grids(net: Network, X: Sequence[Sequence[Any]]) -> tuple[Grids | None, str]:
    """The grids of ``net`` on inputs ``X``, or None and the first number that is not dyadic."""
    g0: int | None = X.grid() if isinstance(X, IntegerRows) else None  # integers: dyadic, all at once
    for n, x in enumerate(() if isinstance(X, IntegerRows) else X, start=1):
        cell, why = _grid(x, f"input row {n}, column", start=1)
        if why:
            return None, why
        if cell is not None:
            g0 = cell if g0 is None else max(g0, cell)
    prev = first = 0 if g0 is None else g0
    ws, gs = [], []
    for layer_no, layer in enumerate(net.layers, start=1):
        fw, why = _grid([w for row in layer.weights for w in row], f"layer {layer_no} weight")
        if why:
            return None, why
        fb, why = _grid(layer.bias, f"layer {layer_no} bias")
        if why:
            return None, why
        options = [g for g in ((None if fw is None else fw + prev), fb) if g is not None]
        prev = max(options) if options else prev
        ws.append(fw)
        gs.append(prev)
    return Grids(first, tuple(ws), tuple(gs)), ""


def binary64_integers(X: Sequence[Sequence[Any]]) -> bool:
    """True when ``X`` is ``IntegerRows`` of integers up to 2^53 in magnitude: every input is then
    a binary64 number, known without looking at each cell."""
    return isinstance(X, IntegerRows) and X.max_abs() <= 1 << FLOAT64_SPAN


def not_binary64(net: Network, X: Sequence[Sequence[Any]]) -> str:
    """"" when every weight, bias and input is a binary64 number, else the first that is not."""
    for n, x in enumerate(() if binary64_integers(X) else X, start=1):
        for k, v in enumerate(x, start=1):
            if not is_binary64(v):
                return f"input row {n}, column {k} ({to_text(v)}) is not a binary64 number"
    for layer_no, layer in enumerate(net.layers, start=1):
        for i, row in enumerate(layer.weights):
            for j, w in enumerate(row):
                if not is_binary64(w):
                    return f"layer {layer_no} weight [{i}][{j}] ({to_text(w)}) is not a binary64 number"
        for i, b in enumerate(layer.bias):
            if not is_binary64(b):
                return f"layer {layer_no} bias [{i}] ({to_text(b)}) is not a binary64 number"
    return ""


def integer_layers(net: Network, g: Grids) -> list[tuple[list[list[int]], list[int]]]:
    """The int64 form's exact integers per layer: ``W * 2^(G_l - G_{l-1})`` and ``b * 2^G_l``
    (Python integers of any size)."""
    out = []
    for k, layer in enumerate(net.layers):
        e, G = g.weight_scale(k), g.layers[k]
        out.append(([[scaled(w, e) for w in row] for row in layer.weights], [scaled(b, G) for b in layer.bias]))
    return out


def scaled(q: Any, e: int) -> int:
    """The integer ``q * 2^e``; raises ``ValueError`` when ``q`` is not on the grid ``2^-e``."""
    n, d = int(q.numerator), int(q.denominator)
    num, den = (n << e, d) if e >= 0 else (n, d << -e)
    if num % den:
        raise ValueError(f"{to_text(q)} is not a multiple of 2^{-e}")
    return num // den


def verdict(spans: Sequence[int], g: Grids, ints: list[tuple[list[list[int]], list[int]]], binary64_reason: str
            ) -> Arithmetic:
    """The verdicts from the measured spans: binary64 needs every number to be a binary64 number
    (``binary64_reason`` empty) and spans <= 53; int64 needs spans <= 63 and every scaled weight
    below 2^63 in magnitude."""
    fits = all(abs(w) < 1 << 63 for W, b in ints for row in W for w in row)
    b64 = not binary64_reason and max(spans) <= FLOAT64_SPAN
    i64 = fits and max(spans) <= INT64_SPAN
    reason = binary64_reason if binary64_reason else ("" if fits else SCALED_WEIGHT)
    return Arithmetic(tuple(spans), g, b64, i64, reason)


def float_layer(A: np.ndarray, W: np.ndarray, b: np.ndarray, G: int, relu: bool) -> tuple[np.ndarray, float] | None:
    """One layer in float64 on a block of exact float64 activations ``A`` (rows: points), with
    the exact float64 weights ``W`` (out x in) and bias ``b``. Returns the activations and the
    block's bound ``max sum |W||a| + |b|`` (both exact), or None when the bound reaches
    ``2^(53 - G)`` for some point (then this layer is not certified on the block)."""
    bound = np.abs(A) @ np.abs(W).T + np.abs(b)
    limit = np.ldexp(1.0, FLOAT64_SPAN - G) if FLOAT64_SPAN - G < 1024 else np.inf
    worst = float(bound.max()) if bound.size else 0.0
    if not np.isfinite(worst) or not worst < limit:
        return None
    Z = A @ W.T + b
    return (np.maximum(Z, 0.0) if relu else Z), worst


def span_of(bound: Any, G: int) -> int:
    """The span of a layer whose bound is ``bound`` (exact: int, float or rational) on grid ``G``."""
    units = Q(bound) * (Q(2) ** G)
    if units.denominator != 1:
        raise ValueError(f"bound {to_text(units)} is not an integer in units of 2^-{G}")
    return int(units.numerator).bit_length()
