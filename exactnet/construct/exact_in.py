"""Build for a target arithmetic: the dyadic construction with the fewest neurons whose bit span
(``exactnet.verifier.span``) keeps float64 or int64 evaluation exact on the data.

The span of a candidate is bounded from the construction's own structure, without evaluating
the network on every point: layer 1 exactly (``max_x sum |w||x|`` plus the largest knot), layer
2 exactly (``sum_u |W_u| relu(o_u (t - k_u)) + |c|`` is convex in t, so its maximum over the
data is at the smallest or the largest t), layer 3 from above (each second-layer neuron's
largest value on the data, found at the ends of each segment, where its function is a line).
The bound is never below the verifier's span, so a candidate accepted here is certified there.
Cost per candidate: one construction plus O(a1 a2 + s a2) exact operations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

from exactnet.capacity import check_width_ceiling, parameter_count
from exactnet.construct.dyadic import PROJECTION_DRAWS, DyadicParts, build_dyadic, dyadic_capacity, segment_bounds
from exactnet.construct.projection import project
from exactnet.data.dataset import Dataset
from exactnet.data.integer_rows import IntegerRows
from exactnet.errors import ArgumentError, CapacityError, DataError
from exactnet.rational import Q, to_text
from exactnet.verifier import span

TARGETS = ("rational", "float64", "int64")
LIMITS = {"float64": span.limit("float64"), "int64": span.limit("int64")}
GROWTH = 1.6  # candidates up to this many times the fewest neurons
MAX_CANDIDATES = 12


def check_data(data: Dataset, target: str) -> None:
    """Raise ``DataError`` naming the first cell that ``target`` cannot hold exactly: a float
    format needs its own numbers (float64: binary64; float32, float16, bfloat16 likewise, with
    float16's largest finite 65504), int64 dyadic ones (the decimal 0.1 is none of them)."""
    name = span.target_name(target)
    if name == "rational":
        return
    if name == "int64":
        ok, kind = (lambda q: q == 0 or span.exponent(q) is not None), "dyadic (a multiple of a power of two)"
    else:
        ok, kind = (lambda q: span.representable(q, name)), f"a {name} number"
    integers = isinstance(data.X, IntegerRows)
    if integers and name != "int64" and name in (misfits := span.integer_misfits(data.X)):
        n, k, v = misfits[name]
        raise DataError(f"row {n}, input column {k}: {v} is not {kind}, so no network is exact on it in {target}; "
                        "use `exact_in` rational or a wider format")
    for n, (x, y) in enumerate(zip(repeat(()) if integers else data.X, data.Y), start=1):  # integers: checked
        for what, row in (("input", x), ("output", y)):
            for k, v in enumerate(row, start=1):
                if not ok(v):
                    raise DataError(f"row {n}, {what} column {k}: {to_text(v)} is not {kind}, so no network is exact "
                                    f"on it in {target}; give binary floats (.npy/.npz) or use `exact_in` rational")


def dyadic_widths(points: int, outputs: int = 1, dim: int = 1) -> list[tuple[int, int]]:
    """Widths whose dyadic capacity holds ``points``, up to ``GROWTH`` times the fewest neurons:
    for each neuron count in increasing order, the fewest-parameter widths with an odd a1 (no
    pivot) and those with an even a1 (room for the pivot pair), fewer parameters first. Shapes
    of one neuron count differ little in span, the pivot by one or two bits, so this order
    reaches a certified network in few builds."""
    best: dict[tuple[int, int], tuple[int, int, int]] = {}  # (neurons, a1 parity) -> (params, a1, a2)
    fewest = math.inf  # neurons of the smallest shape so far
    for a2 in range(1, points * outputs + outputs + 1):
        if a2 > GROWTH * fewest:  # every shape from here on has more neurons than the list keeps
            break
        per, extra = divmod(a2, outputs)
        if per == 0:
            if extra < points:
                continue
            firsts = [1, 2]
        else:
            segs = max(1, -(-(points - extra) // per))
            firsts = [2 * segs - 1, 2 * segs]
        for a1 in firsts:
            if dyadic_capacity(a1, a2, outputs) < points:
                continue
            key = (a1 + a2, a1 % 2)
            option = (parameter_count(dim, [a1, a2], outputs), a1, a2)
            if key not in best or option < best[key]:
                best[key] = option
                fewest = min(fewest, a1 + a2)
    ordered = sorted((n, best[n, parity][0], 1 - parity, best[n, parity][1:]) for n, parity in best
                     if n <= GROWTH * fewest)
    return [shape for *_, shape in ordered]


def span_bound(parts: DyadicParts, data: Dataset) -> span.Arithmetic:
    """An upper bound on the verifier's spans for the built network (module docstring)."""
    net = parts.network
    g, why = span.grids(net, data.X)
    if g is None:
        return span.Arithmetic.not_dyadic(why)
    L1, L2, L3 = net.layers
    w = L1.weights[0]
    reach = _reach(w, data.X)
    m1 = reach + max(abs(b) for b in L1.bias)
    units = parts.units.units
    t = parts.t
    m2 = Q(0)
    for row, c in zip(L2.weights, L2.bias):
        for x in (t[0], t[-1]):
            m2 = max(m2, sum((abs(W) * max(o * (x - k), 0) for W, (o, k) in zip(row, units) if W), abs(c)))
    ends = sorted(_segment_ends(parts))
    peaks = [max((max(f.at(parts.units.breaks, t[i]), Q(0)) for i in ends), default=Q(0)) for f in parts.functions]
    m3 = max(sum((abs(W) * h for W, h in zip(row, peaks) if W), abs(b)) for row, b in zip(L3.weights, L3.bias))
    spans = [span.span_of(m, G) for m, G in zip((m1, m2, m3), g.layers)]
    return span.verdict(spans, g, span.integer_layers(net, g), span.not_representable(net, data.X))


def _reach(w: Sequence[Any], X: Sequence[Sequence[Any]]) -> Any:
    """The largest ``sum |w||x|`` over the inputs (exact; in numpy for ``IntegerRows``)."""
    if isinstance(X, IntegerRows):
        scale = math.lcm(*(int(v.denominator) for v in w))
        return Q(X.reach([int(v * scale) for v in w])) / scale
    return max(sum(abs(a) * abs(x) for a, x in zip(w, xs)) for xs in X)


def _segment_ends(parts: DyadicParts) -> set[int]:
    """Positions (in sorted order) where a second-layer function may peak on the data: the first
    and last point of every segment, and of the points past the last segment."""
    meta = parts.network.meta
    a1, a2 = meta["widths"]
    q = a2 // meta.get("outputs", 1)
    n = len(parts.t)
    n_main = min(n, dyadic_capacity(a1, q))
    ends = {p for s, e in (segment_bounds(n_main, q) if q else []) for p in (s, e - 1)}
    if n_main < n:
        ends |= {n_main, n - 1}
    return ends


def build_exact_in(data: Dataset, target: str, a1: int | None = None, a2: int | None = None, seed: int = 0,
                   progress: Callable[[int, int], None] | None = None) -> Any:
    """The dyadic network for ``target`` ("rational", "float64" or "int64").

    Widths given: built if N fits their dyadic capacity and (for float64/int64) the span bound
    is within the target's limit, else ``CapacityError`` naming the capacity or the span.
    Widths not given: candidates from ``dyadic_widths`` in order, the first whose bound holds
    (at most ``MAX_CANDIDATES`` builds); none: ``CapacityError`` naming the smallest span
    reached and what would work. Raises ``DataError`` for data the target cannot hold."""
    if target not in TARGETS:
        raise ArgumentError(f"unknown arithmetic {target!r}; expected one of {', '.join(TARGETS)}")
    check_data(data, target)
    m = data.outputs
    if (a1 is None) != (a2 is None):
        raise ArgumentError("the dyadic construction takes both widths `a1` and `a2`, or neither")
    if a1 is not None and a2 is not None:
        if a1 < 1 or a2 < 1:
            raise ArgumentError(f"widths must be at least 1, got {a1} x {a2}")
        check_width_ceiling(data.n, m, a1=a1, a2=a2)
        cap = dyadic_capacity(a1, a2, m)
        if cap < data.n:
            best = dyadic_widths(data.n, m, data.dim)[0]
            raise CapacityError(
                f"{data.n:,} points do not fit widths {a1} x {a2} with {m} output(s) in the dyadic construction: "
                f"capacity ((a1 + 1) div 2) * (a2 div m) + (a2 mod m) = {cap:,}; smallest widths that fit: "
                f"{best[0]} x {best[1]}")
        candidates = [(a1, a2)]
    else:
        candidates = dyadic_widths(data.n, m, data.dim)[:MAX_CANDIDATES if target != "rational" else 1]
    proj = project(data.X, seed, draws=PROJECTION_DRAWS, narrowest=True, progress=progress)
    tried = []
    for c1, c2 in candidates:
        parts = build_dyadic(data, c1, c2, seed=seed, proj=proj, progress=progress)
        if target == "rational":
            return parts.network.with_meta(exact_in=target)
        bound = span_bound(parts, data)
        if bound.holds(target):
            reason = "" if a1 is not None else (
                f"widths {c1} x {c2}: fewest neurons ({c1 + c2}) for which the dyadic construction holds "
                f"{data.n:,} points and the {target} certificate holds (span <= {bound.span})")
            return parts.network.with_meta(exact_in=target, span_bound=bound.span, widths_reason=reason)
        tried.append((bound.span if bound.span is not None else 10**9, bound.reason, c1, c2))
    best = min(tried)
    other = "int64 or rational" if target == "float64" and best[0] <= LIMITS["int64"] else "rational"
    what = f"span {best[0]}" if best[0] < 10**9 else best[1]
    where = f"widths {best[2]} x {best[3]}" if a1 is not None else \
        f"{len(tried)} width choices up to {max(c1 + c2 for c1, c2 in candidates)} neurons (best {best[2]} x {best[3]})"
    raise CapacityError(f"no network exact in {target} found: {what} > {LIMITS[target]} at {where}; "
                        f"`exact_in` {other} would work")
