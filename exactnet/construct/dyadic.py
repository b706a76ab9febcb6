"""The dyadic construction: two knots in every gap, so every segment is built from its own data
and every weight is a short dyadic number (an integer for integer data).

The points, sorted by t = w.x (integers, ``projection``), fill s segments of at most q points
(q = a2 div m per output). The first layer's knots are ``L_0 = t_min`` and, for every gap
between the last point P of a segment and the first point of the next, ``R = P`` and
``L = P + 1``: integers, and the connector between them has length 1, so its slope is the
difference of two line values. Every second-layer function g_j is a line on each segment, a
connector across each gap:

* on a segment with points P_0, ..., P_{n-1} in listing order (left to right on even segments,
  right to left on odd ones: orientation o = +1, -1, listing coordinate u = o t) and outputs
  y_k, the output is a zig-zag through every (P_k, y_k) with slopes a_0, -a_1, a_2, ... in u
  (integers >= 1, each the smallest that the intervals it serves allow; ``segment_lines``):
  neuron 0 is the line ``a_0 (u - U_0) + y_0 - d0`` (positive on the segment, d0 = min y - 1),
  neuron k >= 1 the line ``(a_{k-1} + a_k)(u - zeta_k)``, off before P_{k-1}'s side of zeta_k
  and on after it, with output weights v_k = (-1)^k. A neuron without a point there is 0.
* *pivot*: when a1 leaves room (a1 >= 2s), the first layer also holds relu(t - p) and
  relu(p - t) for an integer p near the middle of the data, and knots left of p use
  relu(k - t): each unit then reaches at most about half the range of t, which halves every
  term of the bit span (two bits fewer; see ``span``). Without room, every unit is relu(t - k).

Several outputs (m > 1): output k reads only its own group of q neurons, built from column k
over the shared knots. The r = a2 mod m leftover neurons take the points past the last segment
(at most r), as in Theorem 4, with crossings ``z_e = t_e - 1``: each is 1 at its own point, so
its output weights are differences of the data's numbers (integers for integer data).
Capacity: ``((a1 + 1) div 2) * (a2 div m) + (a2 mod m)``.

Cost: O(N d) projection draws, O(N log N) sort, O(N m) exact operations for the lines and
O(a1 a2) for the weights. Every number is exact (``rational.Q``).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.construct.assembly import provenance
from exactnet.construct.knots import slope_changes
from exactnet.construct.projected import sort_by_projection
from exactnet.construct.projection import Projection
from exactnet.data.dataset import Dataset
from exactnet.errors import CapacityError
from exactnet.network import Layer, Network
from exactnet.rational import Q, floor

PROJECTION_DRAWS = 24  # rows tried per bound: the narrowest injective one wins


def dyadic_capacity(a1: int, a2: int, outputs: int = 1) -> int:
    """Points the dyadic construction holds with widths (a1, a2) and ``outputs`` outputs."""
    return (a1 + 1) // 2 * (a2 // outputs) + a2 % outputs


@dataclass(frozen=True)
class Piecewise:
    """A continuous piecewise-linear function of t: ``values[b]`` at ``breaks[b]`` and
    ``slopes[b + 1]`` on the piece after break b (``slopes[0]``, before the first break, is 0)."""

    values: tuple[Any, ...]
    slopes: tuple[Any, ...]

    @classmethod
    def zero(cls, breaks: Sequence[Any]) -> Piecewise:
        """The function 0 (a neuron that is off everywhere)."""
        return cls(tuple(Q(0) for _ in breaks), tuple(Q(0) for _ in range(len(breaks) + 1)))

    def at(self, breaks: Sequence[Any], t: Any) -> Any:
        """The value at ``t >= breaks[0]``."""
        b = _last_at_or_below(breaks, t)
        return self.values[b] + self.slopes[b + 1] * (t - breaks[b])


@dataclass(frozen=True)
class Units:
    """The first layer as units ``relu(o * (t - k))`` for ``(o, k)`` in ``units``, and the
    breakpoints of every second-layer function; ``pivot`` is p or None."""

    breaks: tuple[Any, ...]
    pivot: Any
    units: tuple[tuple[int, Any], ...]

    def weights(self, f: Piecewise) -> tuple[Any, list[Any]]:
        """Bias and unit weights that make ``c + sum_u W_u relu(o_u (t - k_u))`` equal ``f`` from
        the first break on: slope changes at the knots, and the pivot pair carrying the slope
        of the piece around p."""
        delta = slope_changes(f.slopes)[1:]  # slopes[0] is the constant piece before the first break
        if self.pivot is None:
            c, row = f.values[0], delta
        else:
            pi = _last_at_or_below(self.breaks, self.pivot) + 1  # breaks[:pi] lie at or left of p
            s = f.slopes[pi]
            c, row = f.at(self.breaks, self.pivot), [*delta[1:pi], s, -s, *delta[pi:]]
        return c, row + [Q(0)] * (len(self.units) - len(row))


def _last_at_or_below(breaks: Sequence[Any], t: Any) -> int:
    """The index of the last break at or below ``t`` (``t >= breaks[0]``); O(log len(breaks))."""
    return bisect.bisect_right(breaks, t) - 1


def segment_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """``n`` sorted points cut into ceil(n / size) segments of balanced sizes, each <= size."""
    if n == 0:
        return []
    count = -(-n // size)
    base, extra = divmod(n, count)
    out, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        out.append((start, end))
        start = end
    return out


def place_units(t: Sequence[Any], bounds: list[tuple[int, int]], a1: int, t_end: Any) -> Units:
    """Knots for the segments ``bounds`` of the ascending ``t``; a pivot when a1 >= 2s.
    With no segment (every point a leftover's), one knot 2 below the first point."""
    if not bounds:
        breaks: list[Any] = [t[0] - 2]
    else:
        breaks = [t[0]]
        for _, end in bounds[:-1]:
            breaks += [t[end - 1], t[end - 1] + 1]
    pivot = None
    if bounds and a1 >= len(breaks) + 1:
        pivot = Q(floor((t[0] + t_end) / 2))
        units = [(-1, k) for k in breaks[1:] if k <= pivot] + [(1, pivot), (-1, pivot)]
        units += [(1, k) for k in breaks if k > pivot]
    else:
        units = [(1, k) for k in breaks]
    if len(units) > a1:
        raise CapacityError(f"{len(bounds)} segments need {len(units)} first-layer neurons, a1 = {a1}")
    units += [(1, breaks[-1])] * (a1 - len(units))
    return Units(tuple(breaks), pivot, tuple(units))


def segment_lines(t: Sequence[Any], y: Sequence[Any], start: int, end: int, rising: bool, q: int,
                  d0: Any) -> list[tuple[Any, Any]]:
    """The q lines ``(slope, intercept)`` (value slope * t + intercept) of one segment's neurons.

    In the listing coordinate u = o t the output is a zig-zag with slopes a_0, -a_1, a_2, ...
    (integers >= 1) turning at zeta_k in (U_{k-1}, U_k); on each interval only the slope
    pointing towards y_k - y_{k-1} must be steep enough, so a steep pair raises the two
    neighbouring slopes, not the whole segment's. Neuron k >= 1 is the line
    ``(a_{k-1} + a_k)(u - zeta_k)``: integer slope, and (a_{k-1} + a_k) zeta_k is exact
    arithmetic on the data, so its values on integer t are integers for integer data."""
    o = 1 if rising else -1
    listed = list(range(start, end)) if rising else list(range(end - 1, start - 1, -1))
    U = [o * t[i] for i in listed]
    Y = [y[i] for i in listed]
    need = [Q(0)] * len(listed)
    for k in range(1, len(listed)):
        dy = Y[k] - Y[k - 1]
        j = k - 1 if (dy > 0) == ((k - 1) % 2 == 0) else k  # the slope that points towards dy
        need[j] = max(need[j], abs(dy) / (U[k] - U[k - 1]))
    a = [Q(floor(v) + 1) for v in need]  # the smallest integers strictly above the needs
    sigma = [a[k] if k % 2 == 0 else -a[k] for k in range(len(listed))]
    lines = [(o * a[0], Y[0] - d0 - a[0] * U[0])]
    for k in range(1, len(listed)):
        v = 1 if k % 2 == 0 else -1
        Z = -v * (Y[k] - Y[k - 1] + sigma[k - 1] * U[k - 1] - sigma[k] * U[k])  # (a_{k-1} + a_k) zeta_k
        lines.append((o * (a[k - 1] + a[k]), -Z))
    lines += [(Q(0), Q(0))] * (q - len(lines))
    return lines


def group_functions(t: Sequence[Any], y: Sequence[Any], bounds: list[tuple[int, int]], breaks: Sequence[Any],
                    q: int) -> tuple[list[Piecewise], Any]:
    """The q piecewise-linear functions of one output's group and its output bias d0."""
    d0 = min(y[: bounds[-1][1]]) - 1
    per_segment = [segment_lines(t, y, s, e, i % 2 == 0, q, d0) for i, (s, e) in enumerate(bounds)]
    out = []
    for j in range(q):
        values, slopes = [], [Q(0)]
        for i in range(len(bounds)):
            a, c = per_segment[i][j]
            values.append(a * breaks[2 * i] + c)
            slopes.append(a)
            if i + 1 < len(bounds):
                right = breaks[2 * i + 1]
                na, nc = per_segment[i + 1][j]
                values.append(a * right + c)
                slopes.append(na * (right + 1) + nc - (a * right + c))  # connector of length 1
        out.append(Piecewise(tuple(values), tuple(slopes)))
    return out, d0


@dataclass(frozen=True)
class DyadicParts:
    """What the construction made: the network, its first-layer units, the second-layer
    functions, the sorted t and the projection (for span bounds and meta data)."""

    network: Network
    units: Units
    functions: tuple[Piecewise, ...]
    t: tuple[Any, ...]
    projection: Projection


def build_dyadic(data: Dataset, a1: int, a2: int, seed: int = 0, proj: Projection | None = None,
                 progress: Callable[[int, int], None] | None = None) -> DyadicParts:
    """A network with hidden widths exactly (a1, a2) that returns every output of ``data``
    exactly, by the dyadic construction (module docstring). Raises ``CapacityError`` when
    N > ``dyadic_capacity(a1, a2, m)``. ``proj`` may be given to reuse a projection;
    ``progress(done, m)`` is called per output group built."""
    m, n = data.outputs, data.n
    cap = dyadic_capacity(a1, a2, m)
    if n > cap:
        raise CapacityError(f"{n:,} points do not fit widths {a1} x {a2} with {m} output(s) in the dyadic "
                            f"construction: capacity ((a1 + 1) div 2) * (a2 div m) + (a2 mod m) = {cap:,}")
    start = time.perf_counter()
    sort = sort_by_projection(data, seed, draws=PROJECTION_DRAWS, narrowest=True, proj=proj)
    proj, t, ys = sort.projection, sort.t, sort.ys
    q, r = divmod(a2, m)
    n_main = min(n, dyadic_capacity(a1, q))
    bounds = segment_bounds(n_main, q) if q else []
    units = place_units(t, bounds, a1, t[-1])
    breaks = units.breaks
    functions: list[Piecewise] = []
    v_rows: list[list[Any]] = [[] for _ in range(m)]
    d0 = [Q(0)] * m
    for k in range(m):
        if bounds:
            group, d0[k] = group_functions(t, [y[k] for y in ys], bounds, breaks, q)
        else:
            group = [Piecewise.zero(breaks)] * q
        functions += group
        for row in range(m):
            v_rows[row] += [Q(1 if j % 2 == 0 else -1) if row == k else Q(0) for j in range(q)]
        if progress:
            progress(k + 1, m)
    extra = list(range(n_main, n))
    K = breaks[-1]
    cross = [t[i] - 1 for i in extra]  # leftover e is 1 at its point, <= 0 at every earlier one
    for z in cross:  # constant K - z up to the last break, slope 1 after it
        functions.append(Piecewise(tuple(K - z for _ in breaks), tuple(Q(0) for _ in breaks) + (Q(1),)))
    for _ in range(r - len(cross)):
        functions.append(Piecewise.zero(breaks))
    for row in v_rows:
        row += [Q(0)] * r
    _solve_leftovers(v_rows, d0, functions, breaks, m * q, cross, [t[i] for i in extra], [ys[i] for i in extra])
    w = tuple(Q(x) for x in proj.w)
    layer1 = Layer(tuple(tuple(o * x for x in w) for o, _ in units.units), tuple(-o * k for o, k in units.units),
                   "relu")
    rows, biases = [], []
    for f in functions:
        c, row = units.weights(f)
        rows.append(tuple(row))
        biases.append(c)
    net = Network((layer1, Layer(tuple(rows), tuple(biases), "relu"),
                   Layer(tuple(tuple(r_) for r_ in v_rows), tuple(d0), "linear")))
    net = net.with_meta(
        construction="dyadic",
        segments=len(bounds),
        pivot=units.pivot is not None,
        **({"outputs": m, "extra_points": len(extra)} if m > 1 else {}),
        **provenance(data, proj, a1, a2, seed, start),
    )
    return DyadicParts(net, units, tuple(functions), tuple(t), proj)


def _solve_leftovers(v_rows: list[list[Any]], d0: list[Any], functions: list[Piecewise], breaks: Sequence[Any],
                     first: int, cross: list[Any], ts: list[Any], ys: list[Sequence[Any]]) -> None:
    """Output weights of the leftover neurons (columns ``first + e``): at extra point e, leftover
    e is on with value ``t_e - z_e = 1`` and later leftovers are off, so its weight
    pays what every earlier neuron leaves; solved in order, exactly, from the functions."""
    for e, (te, y) in enumerate(zip(ts, ys)):
        h = [max(f.at(breaks, te), Q(0)) for f in functions[:first]]
        for o, row in enumerate(v_rows):
            got = d0[o] + sum((w * v for w, v in zip(row[:first], h) if w), Q(0))
            got += sum((row[first + k] * (te - cross[k]) for k in range(e)), Q(0))
            row[first + e] = (y[o] - got) / (te - cross[e])
