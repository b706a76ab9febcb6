"""Assemble a ``Network`` from the construction steps: projection, segments, second layer."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from exactnet.construct.projection import Projection, as_rationals, project
from exactnet.construct.segments import cut
from exactnet.construct.two_layer import knot_values_to_weights, second_layer
from exactnet.dataset import Dataset
from exactnet.errors import CapacityError, DataError
from exactnet.network import Layer, Network
from exactnet.rational import Q


def smallest_widths(n: int) -> tuple[int, int]:
    """The widths (a1, a2) with the fewest neurons a1 + a2 such that a1 * a2 >= n; a1 >= a2."""
    if n < 1:
        raise CapacityError(f"need at least one point, got {n}")
    a1 = math.isqrt(n - 1) + 1
    return a1, -(-n // a1)


def build_two_layer(data: Dataset, a1: int | None = None, a2: int | None = None, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None) -> Network:
    """A network with hidden widths exactly (a1, a2) that returns every output of ``data``
    exactly (Inoue's Theorem 3). Missing widths are chosen by ``smallest_widths``.

    Raises ``CapacityError`` when a1 * a2 < N and ``DataError`` for more than one output.
    Deterministic for a given ``seed``. ``progress(done, a2)`` is called per second-layer neuron.
    Cost: O(N d) for the projection, O(N log N) for the sort, O(N) exact operations for the layers.
    """
    if data.outputs != 1:
        raise DataError(f"data has {data.outputs} outputs; the two-hidden-layer construction here takes 1")
    a1, a2 = _widths(data.n, a1, a2)
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
        widths=[a1, a2],
        points=data.n,
        seed=seed,
        data_sha256=data.digest(),
        projection={"method": proj.method, "bits": proj.bits, "row": [str(w) for w in proj.w]},
        build_seconds=round(time.perf_counter() - start, 6),
    )


def _widths(n: int, a1: int | None, a2: int | None) -> tuple[int, int]:
    if a1 is None and a2 is None:
        return smallest_widths(n)
    if a1 is None:
        a1 = -(-n // a2) if a2 and a2 > 0 else 0
    if a2 is None:
        a2 = -(-n // a1) if a1 > 0 else 0
    if a1 < 1 or a2 < 1:
        raise CapacityError(f"widths must be at least 1, got a1={a1}, a2={a2}")
    if a1 * a2 < n:
        s1, s2 = smallest_widths(n)
        raise CapacityError(
            f"{n} points need a1*a2 >= {n}, but {a1}*{a2} = {a1 * a2}; smallest widths that fit: {s1} x {s2}"
        )
    return a1, a2


def assemble(proj: Projection, knots: tuple[Any, ...], a1: int, neurons: list[tuple[Any, tuple[Any, ...]]],
             v: list[list[Any]], d0: list[Any]) -> Network:
    """Three exact layers: a1 copies of the projection row (bias -b_i, unused neurons sit at
    the last knot with a zero column), the second-layer neurons given by their knot values,
    and the output layer ``v`` (outputs x a2) with bias ``d0``."""
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
