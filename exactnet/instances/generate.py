"""Instances with exact answers around data points of a network built by exactnet.

Regression (any output column k, default 0): around data point n, the box ``x_n +- r`` and four
properties per margin ``d`` > 0: ``Y_k >= max + d`` (unsat), ``Y_k >= max - d`` (sat),
``Y_k <= min - d`` (unsat) and ``Y_k <= min + d`` (sat), with max and min the exact extremes over
the box. One-hot classification: local robustness, "some other class scores at least the
label's class" (``Y_j >= Y_c`` for some j != c), sat exactly when the smallest margin
``y_c - y_j`` over the box is <= 0. Without radii, each point gets a pair of radii around its
critical radius: 2^(k-1) (unsat) and 2^k (sat; doubled while the sat margin is a tie at 0).

Box bounds and thresholds are dyadic with at most ``GRID`` fractional bits, rounded away from
the data point and from the extreme (so each answer keeps its verdict), which gives them short
exact decimal forms that float64 holds exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError
from exactnet.instances.property import Answer, Clause, Property, answer
from exactnet.network import Network
from exactnet.rational import NotExact, Q, floor, to_rational
from exactnet.verifier.sweep import output_range

GRID = 20  # fractional bits of box bounds and thresholds, at most
RADIUS_EXPONENTS = range(-GRID, 9)  # the critical-radius search: radii 2^-20 ... 2^8


@dataclass(frozen=True)
class Instance:
    name: str
    kind: str  # "above", "below" (regression) or "robust" (classification)
    row: int  # 0-based data row at the box's center
    radius: Any
    gap: Any  # the margin knob d (None for robustness)
    property: Property
    answer: Answer


def one_hot_labels(data: Dataset) -> list[int] | None:
    """The class of each row when every output row is one-hot (two or more outputs), else None."""
    if data.outputs < 2:
        return None
    labels = []
    for y in data.Y:
        if sorted(y) != [0] * (len(y) - 1) + [1]:
            return None
        labels.append(list(y).index(1))
    return labels


def spread_rows(n: int, points: int) -> list[int]:
    """``points`` rows spread evenly over ``n`` (all of them when points >= n)."""
    if points < 1:
        raise ArgumentError(f"`points` must be at least 1, not {points}")
    points = min(points, n)
    return sorted({i * n // points for i in range(points)})


def positive(value: Any, what: str) -> Any:
    """``value`` as an exact positive rational; ``ArgumentError`` otherwise."""
    try:
        q = to_rational(value)
    except NotExact as e:
        raise ArgumentError(f"{what}: {e}") from None
    if q <= 0:
        raise ArgumentError(f"{what} must be positive, not {value}")
    return q


def instances(net: Network, data: Dataset, *, points: int = 10, radii: Sequence[Any] = (), gaps: Sequence[Any] = (1,),
              output: int = 0, progress: Callable[[int, int], None] | None = None) -> list[Instance]:
    """Properties with exact answers around ``points`` data rows spread over ``data``.

    Raises ``ArgumentError`` for a radius or margin <= 0, an output index out of range, data
    other than the network was built from (its ``data_sha256``), or a network whose first-layer
    rows are not multiples of one row."""
    rs = [positive(r, "radius") for r in radii]
    ds = [positive(d, "margin") for d in gaps]
    if not 0 <= output < net.output_dim:
        raise ArgumentError(f"`output` {output} is not an output of a network with {net.output_dim} output(s)")
    data.check_fits(net.input_dim, net.output_dim)
    built_on = net.meta.get("data_sha256")
    if built_on is not None and built_on != data.digest():
        raise ArgumentError("these data are not the data the network was built from (their SHA-256 differs from the "
                            "network's data_sha256): the answers would be about other outputs")
    labels = one_hot_labels(data)
    rows = spread_rows(data.n, points)
    found: list[Instance] = []
    for done, n in enumerate(rows, start=1):
        x = data.X[n]
        if labels is None:
            for r in rs or [Q(1)]:
                found += _regression(net, x, n, r, ds, output)
        elif rs:
            found += [_robustness(net, x, n, labels[n], r) for r in rs]
        else:
            found += _critical_pair(net, x, n, labels[n])
        if progress is not None:
            progress(done, len(rows))
    return [_named(k, inst) for k, inst in enumerate(found)]


def _named(k: int, inst: Instance) -> Instance:
    return Instance(f"{k:04d}_row{inst.row}_{inst.kind}", inst.kind, inst.row, inst.radius, inst.gap,
                    inst.property, inst.answer)


def _box(x: Sequence[Any], r: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    return tuple(_round(v - r, up=False) for v in x), tuple(_round(v + r, up=True) for v in x)


def _round(q: Any, up: bool, bits: int = GRID) -> Any:
    """``q`` on the grid 2^-bits, rounded up or down (unchanged when already on it)."""
    scaled = q * (1 << bits)
    k = floor(scaled)
    if up and k != scaled:
        k += 1
    return Q(k, 1 << bits)


def _quantum_bits(d: Any) -> int:
    """Fractional bits of a threshold for margin d: the coarsest grid 2^-k (k <= GRID) not above d."""
    return next((k for k in range(GRID + 1) if Q(1, 1 << k) <= d), GRID)


def _regression(net: Network, x: Sequence[Any], n: int, r: Any, gaps: Sequence[Any], k: int) -> list[Instance]:
    lo, hi = _box(x, r)
    rng = output_range(net, lo, hi)
    b = rng.outputs[k]
    found = []
    for d in gaps:
        bits = _quantum_bits(d)
        for kind, op, bound in (("above", ">=", _round(b.max.value + d, True, bits)),
                                ("above", ">=", _round(b.max.value - d, False, bits)),
                                ("below", "<=", _round(b.min.value - d, False, bits)),
                                ("below", "<=", _round(b.min.value + d, True, bits))):
            prop = Property(lo, hi, (Clause(k, op, bound),))
            found.append(Instance("", kind, n, r, d, prop, answer(prop, rng)))
    return found


def _robustness(net: Network, x: Sequence[Any], n: int, c: int, r: Any) -> Instance:
    lo, hi = _box(x, r)
    prop = Property(lo, hi, tuple(Clause(j, ">=", Q(0), c) for j in range(net.output_dim) if j != c))
    return Instance("", "robust", n, r, None, prop, answer(prop, output_range(net, lo, hi)))


def _critical_pair(net: Network, x: Sequence[Any], n: int, c: int) -> list[Instance]:
    """Robustness at radii 2^(k-1) (unsat) and 2^j (sat with a positive margin), with k the smallest
    exponent in ``RADIUS_EXPONENTS`` whose box is sat (robustness is monotone in the radius: the
    boxes are nested) and j >= k the first whose margin is not a tie at 0, which a float verifier
    could answer either way; none when the point is sat at the smallest or unsat at the largest."""
    tried: dict[int, Instance] = {}

    def at(k: int) -> Instance:
        if k not in tried:
            tried[k] = _robustness(net, x, n, c, Q(2) ** k)
        return tried[k]

    lo, hi = RADIUS_EXPONENTS[0], RADIUS_EXPONENTS[-1]
    if at(lo).answer.margin >= 0 or at(hi).answer.margin <= 0:
        return []
    while hi - lo > 1:  # invariant: unsat at lo, sat at hi
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if at(mid).answer.margin >= 0 else (mid, hi)
    sat = next(k for k in range(hi, RADIUS_EXPONENTS[-1] + 1) if at(k).answer.margin > 0)
    return [at(lo), at(sat)]
