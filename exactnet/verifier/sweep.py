"""Exact output ranges over an input box, for networks whose first-layer rows are multiples of one row.

If every first-layer row is ``alpha_u w`` for one row ``w``, the network computes ``y = F(t)``
with ``t = w . x``: a continuous piecewise-linear function of one number. Over an axis-aligned
box, ``t`` runs over ``[t_lo, t_hi]`` and every ``t`` there is reached by a point of the box. F is
linear between breakpoints: the first layer's knots ``t = -b_u / alpha_u`` and, with two hidden
layers, the points where a second-layer pre-activation crosses zero. So the exact minimum and
maximum of any linear combination of the outputs (one output, a difference of two) over the box
are attained at a breakpoint or an end of ``[t_lo, t_hi]``, and a box point with ``w . x = t``
is a witness.

Everything is exact rational arithmetic. Cost: one sweep over the knots in ascending order,
O(a1 a2 m) operations for the second layer's pieces plus O(m) per breakpoint (B of them, at
most a1 + 1 plus the crossings), and O(B) per combination asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.errors import ArgumentError
from exactnet.network import Network, common_row
from exactnet.rational import NotExact, Q, to_rational

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class Extremum:
    """``value`` attained at ``t`` (= w . witness) by the box point ``witness``."""

    value: Any
    t: Any
    witness: Vector


@dataclass(frozen=True)
class Bounds:
    min: Extremum
    max: Extremum


@dataclass(frozen=True)
class OutputRange:
    """The network's outputs at every breakpoint of ``[t_lo, t_hi]`` (``ts`` ascending, ends
    included); min and max of any linear combination of outputs are read from them."""

    lower: Vector
    upper: Vector
    w: Vector
    ts: tuple[Any, ...]
    values: tuple[Vector, ...]  # values[i] = outputs at ts[i]

    @property
    def t_range(self) -> tuple[Any, Any]:
        return self.ts[0], self.ts[-1]

    @functools.cached_property
    def outputs(self) -> tuple[Bounds, ...]:
        """Exact min and max of each output, with witnesses."""
        return tuple(self.combination({k: 1}) for k in range(len(self.values[0])))

    def difference(self, i: int, j: int) -> Bounds:
        """Exact min and max of ``y_i - y_j`` (a class margin), with witnesses."""
        return self.combination({i: 1, j: -1})

    def combination(self, coeffs: dict[int, Any]) -> Bounds:
        """Exact min and max of ``sum coeffs[k] * y_k`` over the box, with witnesses."""
        vals = [sum((Q(c) * y[k] for k, c in coeffs.items()), Q(0)) for y in self.values]
        lo = min(range(len(vals)), key=vals.__getitem__)
        hi = max(range(len(vals)), key=vals.__getitem__)
        return Bounds(self._extremum(vals[lo], self.ts[lo]), self._extremum(vals[hi], self.ts[hi]))

    def witness(self, t: Any) -> Vector:
        """A point x of the box with ``w . x = t`` (t in [t_lo, t_hi]): from the corner where t is
        smallest, coordinates move toward the other corner one at a time until t is reached."""
        x = [lo if wi >= 0 else hi for wi, lo, hi in zip(self.w, self.lower, self.upper)]
        rest = t - self.ts[0]
        for i, wi in enumerate(self.w):
            if rest == 0:
                break
            if wi == 0:
                continue
            step = min(abs(wi) * (self.upper[i] - self.lower[i]), rest)
            x[i] += step / wi
            rest -= step
        return tuple(x)

    def _extremum(self, value: Any, t: Any) -> Extremum:
        return Extremum(value, t, self.witness(t))


def box_around(x: Sequence[Any], radius: Any) -> tuple[Vector, Vector]:
    """The L-infinity ball of ``radius`` > 0 around ``x``. Raises ``ArgumentError``."""
    r = _number(radius, "radius")
    if r <= 0:
        raise ArgumentError(f"radius must be positive, not {radius}")
    c = [_number(v, f"center[{i}]") for i, v in enumerate(x)]
    return tuple(v - r for v in c), tuple(v + r for v in c)


def rank_one(net: Network) -> tuple[Vector, Vector] | None:
    """``(w, alpha)`` with first-layer row u equal to ``alpha[u] * w``, or None when the rows are
    not multiples of one row. ``w`` is the first nonzero row (all zeros when there is none)."""
    W1 = net.layers[0].weights
    if not any(any(row) for row in W1):
        return tuple(Q(0) for _ in range(net.input_dim)), tuple(Q(0) for _ in W1)
    found = common_row(W1)
    if found is None:
        return None
    w, k = found
    return tuple(w), tuple(row[k] / w[k] for row in W1)


def output_range(net: Network, lower: Sequence[Any], upper: Sequence[Any]) -> OutputRange:
    """Exact outputs of ``net`` at every breakpoint over the box ``lower <= x <= upper``.

    Raises ``ArgumentError`` for a box of the wrong dimension, a bound that is not a finite
    number, a lower bound above its upper bound, a first layer whose rows are not multiples of
    one row, or more than two hidden layers."""
    lo, hi = _box(net, lower, upper)
    if len(net.layers) not in (2, 3):
        raise ArgumentError(f"output ranges are computed for one or two hidden layers, not {len(net.layers) - 1}")
    form = rank_one(net)
    if form is None:
        raise ArgumentError("the first layer's rows are not multiples of one row, so the outputs are not a function"
                            " of one projection w . x (exactnet's networks are; this one is not)")
    w, alpha = form
    t_lo = sum((min(wi * a, wi * b) for wi, a, b in zip(w, lo, hi)), Q(0))
    t_hi = sum((max(wi * a, wi * b) for wi, a, b in zip(w, lo, hi)), Q(0))
    ts, values = _sweep(net, alpha, t_lo, t_hi)
    return OutputRange(lo, hi, w, tuple(ts), tuple(values))


def _number(v: Any, what: str) -> Any:
    try:
        return to_rational(v)
    except NotExact as e:
        raise ArgumentError(f"{what}: {e}") from None


def _box(net: Network, lower: Sequence[Any], upper: Sequence[Any]) -> tuple[Vector, Vector]:
    d = net.input_dim
    for name, v in (("lower", lower), ("upper", upper)):
        if len(v) != d:
            raise ArgumentError(f"the box's {name} bound has {len(v)} values; the network has {d} inputs")
    lo = tuple(_number(v, f"lower[{i}]") for i, v in enumerate(lower))
    hi = tuple(_number(v, f"upper[{i}]") for i, v in enumerate(upper))
    for i, (a, b) in enumerate(zip(lo, hi)):
        if a > b:
            raise ArgumentError(f"input {i}: lower bound {a} is above upper bound {b}")
    return lo, hi


def _sweep(net: Network, alpha: Vector, t_lo: Any, t_hi: Any) -> tuple[list[Any], list[Vector]]:
    """Breakpoints ascending and the outputs at each, by one left-to-right sweep."""
    first, second = net.layers[0], net.layers[1]
    b1 = first.bias
    units: dict[Any, list[int]] = {}
    for u, (a, b) in enumerate(zip(alpha, b1)):
        if a != 0 and t_lo < -b / a < t_hi:
            units.setdefault(-b / a, []).append(u)
    ends = [t_lo, *sorted(units), t_hi]
    mid = (ends[0] + ends[1]) / 2
    on = [a * mid + b > 0 for a, b in zip(alpha, b1)]
    A, B = _combine(second.weights, second.bias, alpha, b1, on)  # layer 2's pre-activations: A t + B
    ts: list[Any] = []
    values: list[Vector] = []
    form = (A, B)
    for i in range(len(ends) - 1):
        if i > 0:
            for u in units[ends[i]]:
                _toggle(second.weights, u, alpha[u], b1[u], on, A, B)
        if len(net.layers) == 2:
            _emit(ts, values, ends[i], A, B)
        else:
            form = _second_layer(net, A, B, ends[i], ends[i + 1], ts, values)
    _emit(ts, values, ends[-1], *form)  # continuous: the last piece's form holds at its end
    return ts, values


def _combine(W: Sequence[Sequence[Any]], bias: Sequence[Any], slope: Sequence[Any], const: Sequence[Any],
             on: list[bool]) -> tuple[list[Any], list[Any]]:
    """The linear form ``(S, T)`` of ``W @ h + bias`` in t, where ``h_u = slope_u t + const_u`` for
    the units that are on and 0 for the others."""
    S = [sum((row[u] * slope[u] for u in range(len(on)) if on[u]), Q(0)) for row in W]
    T = [bk + sum((row[u] * const[u] for u in range(len(on)) if on[u]), Q(0)) for row, bk in zip(W, bias)]
    return S, T


def _toggle(W: Sequence[Sequence[Any]], u: int, slope: Any, const: Any, on: list[bool], S: list[Any],
            T: list[Any]) -> None:
    """Switch unit ``u`` (``slope t + const``) on or off, updating the form ``(S, T)`` of ``W @ h``."""
    sign = -1 if on[u] else 1
    on[u] = not on[u]
    for k, row in enumerate(W):
        S[k] += sign * row[u] * slope
        T[k] += sign * row[u] * const


def _second_layer(net: Network, A: list[Any], B: list[Any], p: Any, q: Any, ts: list[Any],
                  values: list[Vector]) -> tuple[list[Any], list[Any]]:
    """Outputs at ``p`` and at every zero crossing of ``A t + B`` inside ``(p, q)``, where the
    second-layer pre-activations are ``A t + B``; returns the outputs' form on the last piece."""
    W3, b3 = net.layers[2].weights, net.layers[2].bias
    active = [v > 0 or (v == 0 and a > 0) for a, v in ((a, a * p + b) for a, b in zip(A, B))]
    C, D = _combine(W3, b3, A, B, active)
    _emit(ts, values, p, C, D)
    crossings: dict[Any, list[int]] = {}
    for j, (a, b) in enumerate(zip(A, B)):
        if a != 0 and p < -b / a < q:
            crossings.setdefault(-b / a, []).append(j)
    for c in sorted(crossings):
        _emit(ts, values, c, C, D)
        for j in crossings[c]:
            _toggle(W3, j, A[j], B[j], active, C, D)
    return C, D


def _emit(ts: list[Any], values: list[Vector], t: Any, slope: Sequence[Any], const: Sequence[Any]) -> None:
    if ts and ts[-1] == t:
        return
    ts.append(t)
    values.append(tuple(s * t + c for s, c in zip(slope, const)))
