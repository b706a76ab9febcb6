"""Build entry points: choose the widths, dispatch on the method and the output count, and
``assemble`` a ``Network`` from the construction steps (projection, knots, second layer)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exactnet.capacity import check_width_ceiling, smallest_a1, smallest_two_layer, two_layer_capacity
from exactnet.construct.projection import Projection, as_rationals, project
from exactnet.construct.segments import cut
from exactnet.construct.two_layer import knot_values_to_weights, second_layer
from exactnet.dataset import Dataset
from exactnet.errors import ArgumentError, CapacityError
from exactnet.network import Layer, Network
from exactnet.rational import Q

METHODS = ("two-hidden-layer", "one-hidden-layer")
CONSTRUCTIONS = ("theorem3", "dyadic")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Widths:
    """Hidden widths (a1, a2) and why they were chosen ("" when both were given)."""

    a1: int
    a2: int
    reason: str = ""


def choose_widths(points: int, outputs: int = 1, dim: int = 1, a1: int | None = None,
                  a2: int | None = None) -> Widths:
    """The widths a two-hidden-layer build with ``outputs`` outputs uses for ``points`` points.

    Both missing: ``capacity.smallest_two_layer`` (fewest neurons, then fewest parameters).
    One missing: the smallest value of it whose capacity a1 * (a2 div m) + (a2 mod m) reaches N.
    Raises ``ArgumentError`` for widths below 1, ``CapacityError`` for a capacity below N, stating the capacity
    and the smallest widths that would fit.
    """
    if points < 1:
        raise ArgumentError(f"need at least one point, got {points}")
    if outputs < 1:
        raise ArgumentError(f"outputs must be at least 1, got {outputs}")
    check_width_ceiling(points, outputs, a1=a1, a2=a2)
    m = outputs
    if a1 is None and a2 is None:
        s1, s2 = smallest_two_layer(points, m, dim)
        cap = two_layer_capacity(s1, s2, m)
        return Widths(s1, s2, f"widths {s1} x {s2}: fewest neurons ({s1 + s2}) with capacity {cap:,} >= "
                              f"{points:,} for {m} output{'s' if m > 1 else ''}")
    for name, value in (("a1", a1), ("a2", a2)):
        if value is not None and value < 1:
            raise ArgumentError(f"{name} must be at least 1, got {value}")
    reason = ""
    if a2 is None and a1 is not None:
        a2 = next(b for b in range(1, (points + 1) * m + 1) if two_layer_capacity(a1, b, m) >= points)
        reason = f"a2 = {a2}: the smallest with capacity >= {points:,} at a1 = {a1}"
    elif a1 is None:
        a1 = smallest_a1(points, a2, m) or 1  # None: no a1 is enough, the check below says so
        reason = f"a1 = {a1}: the smallest with capacity >= {points:,} at a2 = {a2}"
    cap = two_layer_capacity(a1, a2, m)
    if cap < points:
        s1, s2 = smallest_two_layer(points, m, dim)
        raise CapacityError(
            f"{points:,} points do not fit widths {a1} x {a2} with {m} output(s): capacity "
            f"a1*(a2 div m) + (a2 mod m) = {cap:,}; smallest widths that fit: {s1} x {s2}"
        )
    return Widths(a1, a2, reason)


def build(data: Dataset, a1: int | None = None, a2: int | None = None, method: str = "two-hidden-layer",
          seed: int = 0, progress: Progress | None = None, construction: str | None = None,
          exact_in: str = "rational") -> Network:
    """A network that returns every output of ``data`` exactly, built by ``method``:
    "two-hidden-layer" (widths exactly (a1, a2)) or "one-hidden-layer"
    (``one_layer.build_one_layer``, N - 1 hidden neurons; widths must not be given).

    Two hidden layers: ``construction`` "theorem3" (``build_two_layer``, the smallest widths)
    or "dyadic" (``exact_in.build_exact_in``: short dyadic weights, about sqrt(2) times the
    neurons). ``exact_in`` "float64" or "int64" asks for a network whose evaluation in that
    arithmetic is exact on the data (the dyadic construction, its bit span within the limit);
    the default construction is dyadic then, theorem3 otherwise."""
    if exact_in not in ("rational", "float64", "int64"):
        raise ArgumentError(f"unknown arithmetic {exact_in!r}; expected rational, float64 or int64")
    if construction is None:
        construction = "theorem3" if exact_in == "rational" else "dyadic"
    if construction not in CONSTRUCTIONS:
        raise ArgumentError(f"unknown construction {construction!r}; expected one of {', '.join(CONSTRUCTIONS)}")
    if construction == "theorem3" and exact_in != "rational":
        raise ArgumentError(f"exact in {exact_in} needs the dyadic construction (theorem3 weights have "
                            "hundreds to thousands of bits)")
    if method == "one-hidden-layer" and (construction == "dyadic"):
        raise ArgumentError("the dyadic construction and --exact-in apply to the two-hidden-layer method only")
    if method == "two-hidden-layer" and construction == "dyadic":
        from exactnet.construct.exact_in import build_exact_in

        return build_exact_in(data, exact_in, a1, a2, seed=seed, progress=progress)
    if method == "one-hidden-layer":
        if a1 is not None or a2 is not None:
            raise ArgumentError("widths a1, a2 apply to the two-hidden-layer method only")
        from exactnet.construct.one_layer import build_one_layer

        return build_one_layer(data, seed=seed)
    if method != "two-hidden-layer":
        raise ArgumentError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    return build_two_layer(data, a1, a2, seed=seed, progress=progress)


def build_two_layer(data: Dataset, a1: int | None = None, a2: int | None = None, seed: int = 0,
                    progress: Progress | None = None) -> Network:
    """A network with hidden widths exactly (a1, a2) that returns every output of ``data``
    exactly: Inoue's Theorem 3 for one output, Theorem 4 (``multi_output``) for m > 1.
    Missing widths are chosen by ``choose_widths``.

    Raises ``CapacityError`` when N > a1 * (a2 div m) + (a2 mod m). Deterministic for a given
    ``seed``. ``progress(done, a2)`` is called per second-layer neuron built.
    Cost: O(N d) for the projection, O(N log N) for the sort, O(N m) exact operations for the layers.
    """
    w = choose_widths(data.n, data.outputs, data.dim, a1, a2)
    a1, a2 = w.a1, w.a2
    if data.outputs > 1:
        from exactnet.construct.multi_output import build_multi_output

        return build_multi_output(data, a1, a2, seed=seed, progress=progress).with_meta(widths_reason=w.reason)
    start = time.perf_counter()
    proj = project(data.X, seed)
    t = as_rationals(proj)
    y = [data.Y[i][0] for i in proj.order]
    seg = cut(t, a2)
    layer2 = second_layer(t, y, seg, a2, progress)
    net = assemble(proj, seg.knots, a1, [(G, seg.knots) for G in layer2.values], [list(layer2.v)], [layer2.d0])
    return net.with_meta(
        construction="two-hidden-layer",
        theorem="Inoue 2020, Theorem 3",
        widths_reason=w.reason,
        **provenance(data, proj, a1, a2, seed, start),
    )


def provenance(data: Dataset, proj: Projection, a1: int | None, a2: int | None, seed: int,
               start: float) -> dict[str, Any]:
    """Meta data every construction records: widths, points, seed, data digest, projection,
    build time since ``start`` (a ``time.perf_counter()`` value)."""
    meta: dict[str, Any] = {}
    if a1 is not None and a2 is not None:
        meta["widths"] = [a1, a2]
    return {
        **meta,
        "points": data.n,
        "seed": seed,
        "data_sha256": data.digest(),
        "projection": {"method": proj.method, "bits": proj.bits, "range_bits": proj.range.bit_length(),
                       "row": [str(w) for w in proj.w]},
        "build_seconds": round(time.perf_counter() - start, 6),
    }


def assemble(proj: Projection, knots: tuple[Any, ...], a1: int, neurons: list[tuple[Any, tuple[Any, ...]]],
             v: list[list[Any]], d0: list[Any]) -> Network:
    """Three exact layers: a1 copies of the projection row (bias -b_i for the used knots
    b_0 .. b_{s-1} of ``knots``; unused neurons sit at the last knot with a zero column), the
    second-layer neurons given by their knot values (each ``(G, ks)``: values at the knots
    ``ks``, whose used knots must be a prefix of ``knots``'), and the output layer ``v``
    (outputs x a2) with bias ``d0``."""
    used = len(knots) - 1
    first_knots = list(knots[:used]) + [knots[-1]] * (a1 - used)
    w = tuple(Q(x) for x in proj.w)
    layer1 = Layer(tuple(w for _ in range(a1)), tuple(-k for k in first_knots), "relu")
    rows, biases = [], []
    for G, ks in neurons:
        c, row = knot_values_to_weights(G, ks, a1)
        rows.append(tuple(row))
        biases.append(c)
    layer2 = Layer(tuple(rows), tuple(biases), "relu")
    layer3 = Layer(tuple(tuple(r) for r in v), tuple(d0), "linear")
    return Network((layer1, layer2, layer3))
