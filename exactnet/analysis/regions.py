"""What a network does on its data, exactly: neurons that are zero on every data point
("degenerate" neurons), the activation patterns the data meets, and, for one input, the number
of linear pieces on the data's range.

All arithmetic is exact (``rational.Q``). A neuron is *active* at a point when its
pre-activation is > 0; it is zero on the data when it is inactive at every data point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.analysis.report import Column, Report
from exactnet.data.dataset import Dataset
from exactnet.network import Network
from exactnet.rational import Q, bits
from exactnet.verifier.general import preactivations

Affine = tuple[Any, Any]  # (slope, intercept) of a function of the one input


@dataclass(frozen=True)
class LayerActivity:
    """Per hidden layer: neurons inactive at every point, neurons active at every point, and
    the number of distinct activation patterns (on/off vectors) among the points."""

    width: int
    zero: tuple[int, ...]  # 0-based neuron indices
    always_on: tuple[int, ...]
    patterns: int


@dataclass(frozen=True)
class Regions:
    layers: tuple[LayerActivity, ...]
    points: int
    joint_patterns: int  # distinct patterns over all hidden layers together
    pieces: int | None  # linear pieces on [min x, max x] (one input only)
    intervals: int | None  # activation regions on that range (pieces before merging equal slopes)
    data_range: tuple[Any, Any] | None


def activation_patterns(net: Network, X: Sequence[Sequence[Any]]) -> list[list[tuple[bool, ...]]]:
    """For every hidden layer, the on/off vector of every point (exact evaluation,
    ``verifier.general.preactivations``)."""
    return [[tuple(z > 0 for z in row) for row in layer] for layer in preactivations(net, X)[:-1]]


def analyse(net: Network, data: Dataset) -> Regions:
    """Degenerate neurons and activation patterns of ``net`` on ``data``; linear pieces when
    the network has one input. Raises ``DataError`` when the input sizes differ."""
    data.check_fits(net.input_dim)
    per_layer = activation_patterns(net, data.X)
    layers = []
    for pats in per_layer:
        width = len(pats[0])
        zero = tuple(j for j in range(width) if not any(p[j] for p in pats))
        on = tuple(j for j in range(width) if all(p[j] for p in pats))
        layers.append(LayerActivity(width, zero, on, len(set(pats))))
    joint = len(set(zip(*per_layer))) if per_layer else 1
    pieces = intervals = rng = None
    if net.input_dim == 1:
        xs = [x[0] for x in data.X]
        rng = (min(xs), max(xs))
        cuts = piecewise(net, *rng)
        intervals = len(cuts)
        pieces = count_pieces(cuts)
    return Regions(tuple(layers), data.n, joint, pieces, intervals, rng)


def piecewise(net: Network, lo: Any, hi: Any) -> list[tuple[Any, Any, list[Affine]]]:
    """The one-input network on [lo, hi] as intervals (start, end, output maps) on which every
    neuron keeps its on/off state, found by walking the breakpoints layer by layer: a neuron's
    pre-activation is affine on each interval, so its zero (if inside) splits the interval."""
    if net.input_dim != 1:
        raise ValueError(f"linear pieces need a network with one input, this one takes {net.input_dim}")
    lo, hi = Q(lo), Q(hi)
    cells: list[tuple[Any, Any, list[Affine]]] = [(lo, hi, [(Q(1), Q(0))])]
    for layer in net.layers:
        nxt = []
        for a, b, maps in cells:
            z = [_affine_maps(row, bias, maps) for row, bias in zip(layer.weights, layer.bias)]
            if layer.activation != "relu":
                nxt.append((a, b, z))
                continue
            roots = sorted({-c / s for s, c in z if s != 0 and a < -c / s < b})
            edges = [a, *roots, b]
            for u, v in zip(edges, edges[1:]):
                mid = (u + v) / 2 if u != v else u
                nxt.append((u, v, [(s, c) if s * mid + c > 0 else (Q(0), Q(0)) for s, c in z]))
        cells = nxt
    return cells


def count_pieces(cells: list[tuple[Any, Any, list[Affine]]]) -> int:
    """Maximal runs of consecutive intervals with the same output slopes (the network is
    continuous, so equal slopes on neighbours mean one linear piece)."""
    pieces, prev = 0, None
    for _, _, maps in cells:
        slopes = tuple(s for s, _ in maps)
        if slopes != prev:
            pieces += 1
            prev = slopes
    return pieces


def report(net: Network, data: Dataset) -> Report:
    """``analyse`` as a table: one row per hidden layer."""
    r = analyse(net, data)
    rows = tuple(
        {"layer": k, "width": L.width, "zero_on_data": len(L.zero), "zero_neurons": _short(L.zero),
         "always_active": len(L.always_on), "patterns": L.patterns}
        for k, L in enumerate(r.layers, start=1)
    )
    summary: list[tuple[str, Any]] = [
        ("points", r.points),
        ("neurons zero on every point", f"{sum(len(L.zero) for L in r.layers)} of {sum(L.width for L in r.layers)}"),
        ("distinct activation patterns (all layers)", r.joint_patterns),
    ]
    if r.pieces is not None and r.data_range is not None:
        summary.append(("linear pieces on the data range", r.pieces))
        summary.append(("activation intervals on the data range", r.intervals))
        summary.append(("data range", f"[{r.data_range[0]}, {r.data_range[1]}]"))
    return Report(
        title="activity on the data",
        columns=(Column("layer", "hidden layer"), Column("width", "width"),
                 Column("zero_on_data", "zero on every point"), Column("zero_neurons", "which (1-based)"),
                 Column("always_active", "active on every point"), Column("patterns", "distinct patterns")),
        rows=rows,
        caption="exact evaluation on every data point; a neuron is active where its pre-activation is > 0",
        summary=tuple(summary),
    )


def layers_report(net: Network) -> Report:
    """Shape, parameter count and bit sizes per layer (the table ``exactnet inspect`` shows)."""
    rows = []
    for k, layer in enumerate(net.layers, start=1):
        sizes = [bits(q) for q in layer.numbers()]
        o, i = layer.shape
        rows.append({"layer": k, "out": o, "in": i, "activation": layer.activation, "parameters": len(sizes),
                     "largest_bits": max(sizes), "total_bits": sum(sizes)})
    return Report(
        title="layers",
        columns=(Column("layer", "layer"), Column("out", "out"), Column("in", "in"),
                 Column("activation", "activation"), Column("parameters", "parameters"),
                 Column("largest_bits", "largest bits"), Column("total_bits", "total bits")),
        rows=tuple(rows),
    )


def _affine_maps(row: Sequence[Any], bias: Any, maps: list[Affine]) -> Affine:
    s = sum((w * m[0] for w, m in zip(row, maps) if w), Q(0))
    c = sum((w * m[1] for w, m in zip(row, maps) if w), bias)
    return s, c


def _short(idx: tuple[int, ...], limit: int = 12) -> str:
    shown = ", ".join(str(i + 1) for i in idx[:limit])
    return shown + (f", ... ({len(idx)})" if len(idx) > limit else "")
