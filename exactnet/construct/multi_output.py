"""Inoue's Theorem 4: m outputs from a1 * (a2 div m) + (a2 mod m) points, widths exactly (a1, a2).

With q = a2 div m and r = a2 mod m, the points sorted by t = w.x split into *main* points (the
lowest min(N, a1*q)) and *extra* points (the rest, at most r of them; all points when q = 0).

* The main points are cut into segments of q points (``segments.cut``), one set of knots shared
  by every output. Output k gets its own group of q second-layer neurons, Theorem 3's scalar
  construction (``two_layer.second_layer``) on the main points with output column k. Output k
  reads only its group (v = +-1 there, 0 elsewhere) and its own bias d0_k. On the main points
  every other neuron is off, so output k is exact there.
* The r leftover neurons are constant and negative up to the last used knot b and rise with
  slope 1 after it: g_e(t) = t - z_e on the last segment, z_e the simplest rational between
  extra points e-1 and e (between the last main point and extra point 0 for e = 0). So leftover
  e is off on every main point and on at extra points e, e+1, ..., and its output weights (a
  vector in Q^m) follow from a triangular system solved in order over the extra points. The
  groups may be on at the extra points too (the last segment's lines extend past it): their
  contribution is taken from the partial network evaluated exactly at those points.
* Leftover neurons without an extra point are constant -1 with zero output weights.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from exactnet.construct.assembly import assemble, provenance
from exactnet.construct.projected import sort_by_projection
from exactnet.construct.segments import cut
from exactnet.construct.simplest import simplest_between
from exactnet.construct.two_layer import second_layer
from exactnet.data.dataset import Dataset
from exactnet.errors import require
from exactnet.network import Layer, Network
from exactnet.rational import Q, floor


def build_multi_output(data: Dataset, a1: int, a2: int, seed: int,
                       progress: Callable[[int, int], None] | None = None) -> Network:
    """A network with hidden widths exactly (a1, a2) and ``data.outputs`` = m outputs that
    returns every output row of ``data`` exactly, for N <= a1 * (a2 div m) + (a2 mod m)
    (the caller checks the capacity). ``progress(done, a2)`` follows the group neurons.
    Cost: m scalar constructions on the main points (O(N m) exact operations) plus an
    r x r triangular solve over the extra points.
    """
    m, n = data.outputs, data.n
    q, r = divmod(a2, m)
    require(n <= a1 * q + r, "capacity is checked by the caller")
    start = time.perf_counter()
    sort = sort_by_projection(data, seed)
    proj, t, ys = sort.projection, sort.t, sort.ys
    n_main = min(n, a1 * q)
    n_extra = n - n_main

    neurons: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    v_rows: list[list[Any]] = [[] for _ in range(m)]
    d0: list[Any] = [Q(0)] * m
    if n_main:
        seg = cut(t[:n_main], q)
        knots = seg.knots
        for k in range(m):
            report = None if progress is None else (lambda done, _q, k=k: progress(k * q + done, a2))
            group = second_layer(t[:n_main], [y[k] for y in ys[:n_main]], seg, q, report)
            neurons += [(G, knots) for G in group.values]
            for row in range(m):
                v_rows[row] += list(group.v) if row == k else [Q(0)] * q
            d0[k] = group.d0
    else:  # q = 0 (or no main point): one segment holding every point, no groups
        knots = cut(t, n).knots
    if n_extra:  # every main segment is full, so the last used knot is the last first-layer knot
        knots = knots[:-1] + (Q(floor(t[-1]) + 1),)
    last, end = knots[-2], knots[-1]
    tops = [t[n_main - 1] if n_main else last, *t[n_main:]]
    cross = [simplest_between(tops[e], tops[e + 1]) for e in range(n_extra)]
    for z in cross:  # leftover e: -(z - last) at every used knot, slope 1 after the last one
        neurons.append((tuple(-(z - last) for _ in knots[:-1]) + (end - z,), knots))
    for _ in range(r - n_extra):
        neurons.append((tuple(Q(-1) for _ in knots), knots))
    for row in v_rows:
        row += [Q(0)] * r
    net = assemble(proj, knots, a1, neurons, v_rows, d0)
    if n_extra:
        net = _solve_extra(net, [data.X[i] for i in proj.order[n_main:]], ys[n_main:], a2 - r)
    return net.with_meta(
        construction="two-hidden-layer",
        theorem="Inoue 2020, Theorem 4",
        outputs=m,
        main_points=n_main,
        extra_points=n_extra,
        **provenance(data, proj, a1, a2, seed, start),
    )


def _solve_extra(net: Network, xs: list[tuple[Any, ...]], ys: list[tuple[Any, ...]], first: int) -> Network:
    """Output weights of the leftover neurons (columns ``first``, ``first + 1``, ...): extra
    point k is made exact by leftover k, given the exact output of everything before it."""
    layer1, layer2, layer3 = net.layers
    W = [list(row) for row in layer3.weights]
    for k, (x, y) in enumerate(zip(xs, ys)):
        h = layer2(layer1(x))
        require(h[first + k] > 0 and all(v == 0 for v in h[first + k + 1:first + len(xs)]), "leftover activity")
        got = Layer(tuple(map(tuple, W)), layer3.bias, "linear")(h)
        for o in range(len(W)):
            W[o][first + k] = (y[o] - got[o]) / h[first + k]
    return Network((layer1, layer2, Layer(tuple(map(tuple, W)), layer3.bias, "linear")), net.meta)
