"""Capacity planning: which ReLU architectures memorize N points exactly, and what a budget of
B hidden neurons buys.

Every capacity here is the count the constructions accept (``exactnet.capacity``): one hidden
layer of h neurons memorizes h + 1 points, two hidden layers (a1, a2) with m outputs memorize
a1 * (a2 div m) + (a2 mod m) points (Inoue, Theorems 3 and 4). Parameter counts are those of a
fully connected network of the shape: an upper bound on the numbers a construction needs (its
first layer repeats one row). Bit sizes are estimates (``exactnet.analysis.bits``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exactnet.analysis.bits import (
    MEASURE_LIMIT,
    BitsEstimate,
    one_layer_bits,
    two_layer_bits,
)
from exactnet.analysis.report import Column, Report
from exactnet.capacity import (
    one_layer_capacity,
    parameter_count,
    smallest_a1,
    smallest_two_layer,
    two_layer_capacity,
)
from exactnet.errors import ArgumentError

MAX_PLAN_POINTS = 10**8
MAX_BUDGET = 10**5


@dataclass(frozen=True)
class Architecture:
    """Hidden widths with their exact capacity and sizes for input dimension ``dim``."""

    widths: tuple[int, ...]
    outputs: int
    dim: int

    @property
    def neurons(self) -> int:
        return sum(self.widths)

    @property
    def capacity(self) -> int:
        if len(self.widths) == 1:
            return one_layer_capacity(self.widths[0])
        return two_layer_capacity(self.widths[0], self.widths[1], self.outputs)

    @property
    def parameters(self) -> int:
        return parameter_count(self.dim, list(self.widths), self.outputs)

    @property
    def nodes(self) -> str:
        return nodes_text(self.widths)


def nodes_text(widths: Sequence[int]) -> str:
    """Hidden widths as every report shows them: "12 + 12" (rows keep the tuple as ``widths``)."""
    return " + ".join(map(str, widths))


def two_layer_candidates(points: int, outputs: int = 1, dim: int = 1, alternatives: int = 4) -> list[Architecture]:
    """The fewest-neuron two-hidden-layer widths (``capacity.smallest_two_layer``) first, then up
    to ``alternatives`` other (a1, a2), each with the smallest a1 for its a2 that reaches
    ``points``, ordered by neurons, then by how balanced they are, then by parameters."""
    _check(points=points, outputs=outputs, dim=dim)
    best = smallest_two_layer(points, outputs, dim)
    top = Architecture(best, outputs, dim)
    found: list[Architecture] = []
    for a2 in range(1, points * outputs + outputs + 1):
        a1 = smallest_a1(points, a2, outputs)
        if a1 is None:
            continue
        if a1 + a2 > top.neurons + 2:
            if a2 > top.neurons + 2:
                break
            continue
        if (a1, a2) != best:
            found.append(Architecture((a1, a2), outputs, dim))
    found.sort(key=lambda a: (a.neurons, abs(a.widths[0] * outputs - a.widths[1]), a.parameters))
    return [top, *found[:alternatives]]


def plan_points(points: int, outputs: int = 1, dim: int = 1, alternatives: int = 4,
                predict_bits: bool = True) -> Report:
    """Architectures that memorize ``points`` points exactly: two hidden layers (fewest neurons
    first, then alternatives) and the one-hidden-layer interpolant with points - 1 neurons."""
    _check(points=points, outputs=outputs, dim=dim)
    if points > MAX_PLAN_POINTS:
        raise ArgumentError(f"points must be at most {MAX_PLAN_POINTS:,}, got {points:,}")
    rows = []
    for arch in two_layer_candidates(points, outputs, dim, alternatives):
        a1, a2 = arch.widths
        est = two_layer_bits(points, a1, a2, dim, outputs) if predict_bits else BitsEstimate(None, "not asked")
        rows.append(_row(arch, est, True, "Theorem 3" if outputs == 1 else "Theorem 4"))
    one = Architecture((max(points - 1, 1),), outputs, dim)
    est = one_layer_bits(points, dim, outputs) if predict_bits else BitsEstimate(None, "not asked")
    rows.append(_row(one, est, True, "interpolant"))
    two = rows[0]
    summary = (
        ("points", points), ("outputs", outputs), ("input dimension", dim),
        ("fewest neurons, two hidden layers", f"{two['nodes']} = {two['neurons']:,}"),
        ("fewest neurons, one hidden layer", f"{one.neurons:,}"),
    )
    return Report(
        title=f"architectures that memorize {points:,} points exactly",
        columns=PLAN_COLUMNS,
        rows=tuple(rows),
        caption=(f"layers, nodes: hidden layers and their widths; capacity: exact, the count the construction "
                 f"accepts; params <=: fully connected count for {dim} input(s), an upper bound; bits ~: largest "
                 f"parameter of the construction on synthetic integer data in [0, 100)^{dim}, an estimate: "
                 f"measured up to {MEASURE_LIMIT:,} points, above that extrapolated from smaller builds; built: "
                 "exactnet constructs this row"),
        summary=summary,
    )


def plan_budget(neurons: int, outputs: int = 1, dim: int = 1) -> Report:
    """Every split of ``neurons`` hidden neurons over one and two hidden layers, with its exact
    memorization capacity, laid out like a depth-versus-width table (deepest first)."""
    _check(neurons=neurons, outputs=outputs, dim=dim)
    if neurons > MAX_BUDGET:
        raise ArgumentError(f"neurons must be at most {MAX_BUDGET:,}, got {neurons:,}")
    archs = [Architecture((a1, neurons - a1), outputs, dim) for a1 in range(1, neurons)]
    archs.append(Architecture((neurons,), outputs, dim))
    best = max(a.capacity for a in archs)
    rows = tuple(
        {"layers": len(a.widths), "nodes": a.nodes, "widths": a.widths, "neurons": a.neurons,
         "capacity": a.capacity, "parameters": a.parameters, "best": a.capacity == best}
        for a in archs
    )
    top = [r["nodes"] for r in rows if r["best"]]
    return Report(
        title=f"{neurons:,} hidden neurons: points memorized exactly, by split",
        columns=(Column("layers", "Hidden Layers"), Column("nodes", "Nodes per Hidden Layer"),
                 Column("capacity", "Points memorized exactly"), Column("parameters", "Parameters"),
                 Column("best", "Best")),
        rows=rows,
        caption=(f"capacity: one hidden layer h + 1, two hidden layers a1 * (a2 div m) + (a2 mod m) with m = "
                 f"{outputs} output(s), exact and constructive; parameters: fully connected count for {dim} "
                 "input(s)"),
        summary=(("neurons", neurons), ("outputs", outputs), ("input dimension", dim),
                 ("one hidden layer", f"{one_layer_capacity(neurons):,} points"),
                 ("best split", f"{' or '.join(top)}: {best:,} points")),
    )


def best_capacity(neurons: int, outputs: int = 1) -> tuple[int, int]:
    """(largest capacity over all one- and two-hidden-layer splits of ``neurons``, its a1; 0 for one layer)."""
    _check(neurons=neurons, outputs=outputs)
    best = (one_layer_capacity(neurons), 0)
    for a1 in range(1, neurons):
        best = max(best, (two_layer_capacity(a1, neurons - a1, outputs), a1))
    return best


PLAN_COLUMNS = (
    Column("layers", "layers"), Column("nodes", "nodes"), Column("neurons", "neurons"),
    Column("capacity", "capacity"), Column("parameters", "params <="),
    Column("bits", "bits ~"), Column("bits_method", "bits from"),
    Column("constructive", "built"), Column("by", "by"),
)


def _row(arch: Architecture, est: BitsEstimate, constructive: bool, by: str) -> dict[str, object]:
    return {"layers": len(arch.widths), "nodes": arch.nodes, "widths": arch.widths, "neurons": arch.neurons,
            "capacity": arch.capacity, "parameters": arch.parameters, "bits": est.bits, "bits_method": est.method,
            "constructive": constructive, "by": by}


def _check(**sizes: int) -> None:
    for name, value in sizes.items():
        if value < 1:
            raise ArgumentError(f"{name} must be at least 1, got {value}")
