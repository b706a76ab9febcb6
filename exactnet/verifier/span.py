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
class Format:
    """An IEEE-style binary float format: ``precision`` significand bits (the implicit one
    included), every finite number below ``2^(max_exponent + 1)``, the smallest positive one
    ``2^-tiny``. A number ``odd * 2^power`` is representable exactly when ``odd`` has at most
    ``precision`` bits, ``power >= -tiny`` and ``odd * 2^power < 2^(max_exponent + 1)``."""

    name: str
    precision: int
    max_exponent: int
    tiny: int

    def holds(self, odd_bits: int, power: int) -> bool:
        """Whether ``odd * 2^power`` (``odd`` of ``odd_bits`` bits) is a number of the format."""
        return odd_bits <= self.precision and power >= -self.tiny and odd_bits + power <= self.max_exponent + 1

    def layer_fits(self, span: int, grid: int) -> bool:
        """Whether every multiple of ``2^-grid`` of at most ``span`` bits is a number of the
        format (so a layer with that span on that grid never rounds and never overflows)."""
        return span <= self.precision and grid <= self.tiny and span - grid <= self.max_exponent + 1


FLOATS = {f.name: f for f in (Format("binary64", 53, 1023, 1074), Format("binary32", 24, 127, 149),
                              Format("binary16", 11, 15, 24), Format("bfloat16", 8, 127, 133))}
TARGETS = ("rational", *FLOATS, "int64")  # every arithmetic a verdict is given for
ALIASES = {"float64": "binary64", "float32": "binary32", "float16": "binary16"}


def target_name(target: str) -> str:
    """The canonical name of an arithmetic ("float32" is "binary32"); raises ``ValueError``
    for an unknown one."""
    name = ALIASES.get(target, target)
    if name not in TARGETS:
        raise ValueError(f"unknown arithmetic {target!r} (expected one of {', '.join(TARGETS)})")
    return name


def limit(target: str) -> int:
    """The largest span ``target`` takes: the precision of a float format, 63 for int64."""
    name = target_name(target)
    return INT64_SPAN if name == "int64" else FLOATS[name].precision


@dataclass(frozen=True)
class Arithmetic:
    """The arithmetics a network is exact in on a data set, beyond the rationals.

    ``spans`` has one entry per layer (empty when the network or data are not dyadic, with
    ``reason`` saying which number is not); ``failures`` names, for each arithmetic of
    ``TARGETS`` whose certificate does not hold, why not."""

    spans: tuple[int, ...]
    grids: Grids | None
    failures: tuple[tuple[str, str], ...]
    reason: str = ""

    @classmethod
    def not_dyadic(cls, reason: str) -> Arithmetic:
        """The verdict for a network or data with a number that is not dyadic: none but rational."""
        return cls((), None, tuple((t, reason) for t in TARGETS if t != "rational"), reason)

    @property
    def span(self) -> int | None:
        """The largest span over the layers (None when not dyadic)."""
        return max(self.spans) if self.spans else None

    def holds(self, target: str) -> bool:
        """Whether evaluation in ``target`` ("rational", "binary64" or "float64", "binary32" or
        "float32", "binary16" or "float16", "bfloat16", "int64") is exact on the data, in any
        summation order, with or without fused multiply-add. Raises ``ValueError`` for an
        unknown target."""
        name = target_name(target)
        return all(t != name for t, _ in self.failures)

    @property
    def binary64(self) -> bool:
        return self.holds("binary64")

    @property
    def int64(self) -> bool:
        return self.holds("int64")

    def to_json(self) -> dict[str, Any]:
        why = dict(self.failures)
        return {
            "span": self.span,
            "spans": list(self.spans),
            "grids": None if self.grids is None else [self.grids.inputs, *self.grids.layers],
            **{t: self.holds(t) for t in TARGETS if t != "rational"},
            **({"reason": self.reason} if self.reason else {}),
            **({"reasons": why} if why and not self.reason else {}),
        }

    def summary(self, target: str) -> str:
        """One line for ``target`` (as in ``holds``): the verdict and why."""
        name = target_name(target)
        if name == "rational":
            return "yes: every number is an exact rational"
        why = dict(self.failures).get(name)
        return f"no: {why}" if why is not None else f"yes: span {self.span} <= {limit(name)}"


def exponent(q: Any) -> int | None:
    """The grid exponent of a nonzero dyadic rational (``q = odd * 2^-e`` gives e), None when
    ``q`` is not dyadic. Raises ``ValueError`` for 0."""
    n, d = int(q.numerator), int(q.denominator)
    if n == 0:
        raise ValueError("0 lies on every grid")
    if d & (d - 1):
        return None
    return (d.bit_length() - 1) - ((n & -n).bit_length() - 1)


def odd_and_power(q: Any) -> tuple[int, int]:
    """A nonzero dyadic rational as ``odd * 2^power``: the bit length of ``|odd|`` and ``power``."""
    n, d = abs(int(q.numerator)), int(q.denominator)
    low = (n & -n).bit_length() - 1
    return (n >> low).bit_length(), low - (d.bit_length() - 1)


def representable(q: Any, fmt: str = "binary64") -> bool:
    """True when the rational ``q`` is exactly a number of the float format ``fmt`` (a key of
    ``FLOATS``; normal or subnormal)."""
    if q == 0:
        return True
    d = int(q.denominator)
    return not d & (d - 1) and FLOATS[fmt].holds(*odd_and_power(q))


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


def not_representable(net: Network, X: Sequence[Sequence[Any]]) -> dict[str, str]:
    """For each float format of ``FLOATS``, the first input, weight or bias that is not one of
    its numbers (formats that hold every number are absent). One pass over the numbers, which
    stops asking about a format once it has failed."""
    found: dict[str, str] = {}
    pending = list(FLOATS.values())

    def check(v: Any, where: str, *place: int) -> None:  # ``where`` formatted with ``place`` on a failure only
        if v == 0 or not pending:
            return
        d = int(v.denominator)
        parts = None if d & (d - 1) else odd_and_power(v)
        for f in [f for f in pending if parts is None or not f.holds(*parts)]:
            found[f.name] = f"{where.format(*place)} ({to_text(v)}) is not a {f.name} number"
            pending.remove(f)

    if isinstance(X, IntegerRows):
        found |= {name: f"input row {n}, column {k} ({v}) is not a {name} number"
                  for name, (n, k, v) in integer_misfits(X).items()}
        pending = [f for f in pending if f.name not in found]
    else:
        for n, x in enumerate(X, start=1):
            for k, v in enumerate(x, start=1):
                check(v, "input row {}, column {}", n, k)
    for layer_no, layer in enumerate(net.layers, start=1):
        for i, row in enumerate(layer.weights):
            for j, w in enumerate(row):
                check(w, "layer {} weight [{}][{}]", layer_no, i, j)
        for i, b in enumerate(layer.bias):
            check(b, "layer {} bias [{}]", layer_no, i)
    return found


def integer_misfits(X: IntegerRows) -> dict[str, tuple[int, int, int]]:
    """For each float format some integer of ``X`` is not a number of: the first such cell as
    (row, column, value), 1-based. By arrays: an integer is a number of a format when its odd
    part has at most ``precision`` bits and its magnitude is below ``2^(max_exponent + 1)``."""
    found = {}
    top = X.max_abs().bit_length()
    for f in FLOATS.values():
        if top <= min(f.precision, f.max_exponent + 1):
            continue  # every integer of at most ``precision`` bits is a number of the format
        if X.max_odd().bit_length() <= f.precision and top <= f.max_exponent + 1:
            continue
        start = 0
        for block in X.blocks():
            bad = (X.odd_parts(block) >= np.uint64(1) << np.uint64(f.precision)) | \
                (np.abs(block.astype(np.float64)) >= 2.0 ** (f.max_exponent + 1))
            if bad.any():
                n, k = np.unravel_index(int(np.argmax(bad)), bad.shape)
                found[f.name] = (start + int(n) + 1, int(k) + 1, int(block[n, k]))
                break
            start += len(block)
    return found


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


def verdict(spans: Sequence[int], g: Grids, ints: list[tuple[list[list[int]], list[int]]],
            unrepresentable: dict[str, str]) -> Arithmetic:
    """The verdicts from the measured spans. A float format needs every number to be one of
    its numbers (``unrepresentable``, from ``not_representable``, has no entry for it) and every
    layer's span and grid within its precision and exponent range (``Format.layer_fits``);
    int64 needs spans <= 63 and every scaled weight below 2^63 in magnitude."""
    failures = []
    for name, f in FLOATS.items():
        if name in unrepresentable:
            failures.append((name, unrepresentable[name]))
        elif max(spans) > f.precision:
            failures.append((name, f"span {max(spans)} > {f.precision}"))
        elif (k := next((k for k, (s, G) in enumerate(zip(spans, g.layers)) if not f.layer_fits(s, G)),
                        None)) is not None:
            failures.append((name, f"layer {k + 1}'s numbers (grid 2^-{g.layers[k]}, span {spans[k]}) pass "
                                   f"{name}'s exponent range"))
    if max(spans) > INT64_SPAN:
        failures.append(("int64", f"span {max(spans)} > {INT64_SPAN}"))
    elif not all(abs(w) < 1 << 63 for W, b in ints for row in W for w in row):
        failures.append(("int64", SCALED_WEIGHT))
    return Arithmetic(tuple(spans), g, tuple(failures))


def float_layer(A: np.ndarray, W: np.ndarray, b: np.ndarray, G: int, relu: bool,
                fmt: str = "binary64") -> tuple[np.ndarray, float] | None:
    """One layer in the float format ``fmt`` (binary64: float64, binary32: float32, numpy's
    matrix products) on a block of exact activations ``A`` (rows: points), with the exact
    weights ``W`` (out x in) and bias ``b`` of that dtype. Returns the activations and the
    block's bound ``max sum |W||a| + |b|`` (both exact), or None when the bound reaches
    ``2^(precision - G)`` or the format's range for some point (then this layer is not certified
    on the block). The bound is computed in the format itself: its terms are non-negative
    multiples of ``2^-G``, so sums below ``2^(precision - G)`` are exact and rounding, being
    monotone, never brings a larger sum below that power of two."""
    f = FLOATS[fmt]
    bound = np.abs(A) @ np.abs(W).T + np.abs(b)
    top = min(f.precision - G, f.max_exponent + 1)
    limit = float(np.ldexp(1.0, top)) if top < 1024 else np.inf
    worst = float(bound.max()) if bound.size else 0.0
    if not np.isfinite(worst) or not worst < limit or G > f.tiny:
        return None
    Z = A @ W.T + b
    return (np.maximum(Z, 0) if relu else Z), worst


def span_of(bound: Any, G: int) -> int:
    """The span of a layer whose bound is ``bound`` (exact: int, float or rational) on grid ``G``."""
    units = Q(bound) * (Q(2) ** G)
    if units.denominator != 1:
        raise ValueError(f"bound {to_text(units)} is not an integer in units of 2^-{G}")
    return int(units.numerator).bit_length()
