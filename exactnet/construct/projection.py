"""Step 1: an injective projection t = w . x with a small integer row w.

Each input column k is first scaled by the least common multiple L_k of its denominators, so
t is an integer for every point. The row is w_k = L_k * r_k with r_k drawn uniformly from
[-B, B] by ``random.Random(seed)``, B = 1, 1, 2, 2, 4, 4, ... : two draws per bound, doubling
after each pair that maps two inputs to the same t. The first injective draw wins, so t is
about as small as a random row allows (for N points, roughly 2 log2 N bits), and t's size is
what every later bit count grows with. If no draw with B <= 2^40 separates the points, the
base-K digit row (always injective on integer data) is used. For d = 1 the row is simply L_1.

Cost: O(N d) integer operations per draw (numpy int64 when the products fit, exact Python
integers otherwise) plus an O(N log N) sort.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.data.integer_rows import INT_SAFE, IntegerRows
from exactnet.errors import InvariantError
from exactnet.rational import Q

MAX_BOUND_BITS = 40
DRAWS_PER_BOUND = 2
SAMPLE = 20_000  # points, drawn at random once, checked first for a repeated t (a cheap early "not injective")
SKIP_PAIRS = 64  # a row whose sample predicts more equal pairs over all points is not checked in full


@dataclass(frozen=True)
class Projection:
    w: tuple[int, ...]  # the integer row shared by every first-layer neuron
    t: tuple[int, ...]  # w . x_n for every input, in the data's order
    order: tuple[int, ...]  # data indices sorted by t
    method: str  # "identity", "random" or "digits"

    @property
    def range(self) -> int:
        """max t - min t."""
        return max(self.t) - min(self.t)

    @property
    def bits(self) -> int:
        """Bit length of the largest |t|: every later bit count grows with it."""
        return max(abs(v) for v in self.t).bit_length()


def project(X: Sequence[Sequence[Any]], seed: int = 0, draws: int = DRAWS_PER_BOUND,
            narrowest: bool = False, progress: Callable[[int, int], None] | None = None) -> Projection:
    """Choose w for the distinct inputs ``X`` (exact rationals, or ``IntegerRows``); see the
    module docstring.

    ``draws`` rows are tried per bound. With ``narrowest``, every draw at the first bound that
    gives an injective row is tried and the one with the smallest range of t wins (the dyadic
    construction's bit span grows with twice the bits of that range). ``progress(done, total)``
    counts the bounds tried (total: ``MAX_BOUND_BITS + 1``; done = total when a row is found)."""
    d = len(X[0])
    scale, Z = _integer_inputs(X)
    if d == 1:
        return _made(scale, [1], _products(Z, [1]), "identity") or _digits(Z, scale)
    zmax = _max_abs(Z)
    sample = _sample(Z)
    rng = random.Random(seed)
    for bits in range(MAX_BOUND_BITS + 1):
        rows = [[rng.randint(-(1 << bits), 1 << bits) for _ in range(d)] for _ in range(draws)]  # drawn even
        # when skipped (same rows). Pigeonhole: |t| <= d * zmax * 2^bits: fewer than N values of t below this
        possible = 2 * d * zmax * (1 << bits) + 1 >= len(Z)
        found = []
        for r, t in zip(rows, _all_products(Z, rows, sample) if possible else []):
            made = _made(scale, r, t, "random") if t is not None else None
            if made:
                found.append(made)
            if made and not narrowest:
                break
        if progress:
            progress(MAX_BOUND_BITS + 1 if found else bits + 1, MAX_BOUND_BITS + 1)
        if found:
            return min(found, key=lambda p: p.range)
    return _digits(Z, scale)


def _integer_inputs(X: Sequence[Sequence[Any]]) -> tuple[list[int], IntegerRows | list[list[int]]]:
    """Per column the least common multiple of its denominators, and the inputs times those
    (integers): ``IntegerRows`` when they fit int64, else lists of Python integers."""
    if isinstance(X, IntegerRows):
        return [1] * X.array.shape[1], X
    d = len(X[0])
    scale = [math.lcm(*(int(x[k].denominator) for x in X)) for k in range(d)]
    Z = [[int(x[k] * scale[k]) for k in range(d)] for x in X]
    if _max_abs(Z) < INT_SAFE:
        return scale, IntegerRows(np.array(Z, dtype=np.int64))
    return scale, Z


def _max_abs(Z: IntegerRows | list[list[int]]) -> int:
    return Z.max_abs() if isinstance(Z, IntegerRows) else max(max(map(abs, z)) for z in Z)


def _sample(Z: IntegerRows | list[list[int]]) -> IntegerRows | None:
    """``SAMPLE`` rows of Z drawn at random (a fixed draw), None when Z has no more rows than that
    or is not an array."""
    if not isinstance(Z, IntegerRows) or len(Z) <= SAMPLE:
        return None
    picked = np.sort(np.random.default_rng(0).choice(len(Z), size=SAMPLE, replace=False))
    return IntegerRows(Z.array[picked])


def _all_products(Z: IntegerRows | list[list[int]], rows: list[list[int]], sample: IntegerRows | None
                  ) -> list[np.ndarray | list[int] | None]:
    """t = Z r for each row r, or None for a row the ``sample`` already refuses: two sampled
    points share t, or the sample predicts more than ``SKIP_PAIRS`` equal pairs over all points
    (``_predicted_pairs``; such a row is injective with probability about e^-64). The rows left
    are multiplied in one pass over Z (``IntegerRows.many_products``)."""
    if not isinstance(Z, IntegerRows):
        return [_products(Z, r) for r in rows]
    keep = list(range(len(rows)))
    if sample is not None:
        heads = sample.many_products(rows)
        keep = [k for k, head in enumerate(heads) if not isinstance(head, np.ndarray) or not (
            _equal_neighbours(np.sort(head)) or _predicted_pairs(head, len(Z)) > SKIP_PAIRS)]
    out: list[np.ndarray | list[int] | None] = [None] * len(rows)
    for k, t in zip(keep, Z.many_products([rows[k] for k in keep])):
        out[k] = t
    return out


def _products(Z: IntegerRows | list[list[int]], r: list[int]) -> np.ndarray | list[int]:
    """t = Z r, exactly."""
    return Z.products(r) if isinstance(Z, IntegerRows) else [sum(a * b for a, b in zip(r, z)) for z in Z]


def _made(scale: list[int], r: list[int], t: np.ndarray | list[int], method: str) -> Projection | None:
    """The projection with row r and its values t (on the integer inputs) if t is injective,
    else None: the only check that accepts a row."""
    w = tuple(s * rk for s, rk in zip(scale, r))
    if isinstance(t, np.ndarray):
        order64 = np.argsort(t, kind="stable")
        if _equal_neighbours(t[order64]):
            return None
        return Projection(w, tuple(t.tolist()), tuple(order64.tolist()), method)
    if len(set(t)) != len(t):
        return None
    order = sorted(range(len(t)), key=t.__getitem__)
    return Projection(w, tuple(t), tuple(order), method)


def _predicted_pairs(sample_t: np.ndarray, n: int) -> float:
    """The number of equal pairs of t expected among ``n`` points, from a random sample's t.

    With bins of h consecutive integers and m_b the fraction of points in bin b, the chance that
    two random points share t is sum_v p_v^2 >= sum_b m_b^2 / h (Cauchy-Schwarz within a bin);
    (c_b^2 - c_b) / (S (S - 1)) estimates m_b^2 from the sample's counts c_b without bias. So the
    estimate does not exceed the expected count by more than the sample's noise."""
    size = len(sample_t)
    lo, hi = int(sample_t.min()), int(sample_t.max())
    h = max(1, -(-(hi - lo + 1) // 1024))
    counts = np.bincount((sample_t - lo) // h).astype(np.float64)
    return n * (n - 1) / 2 * float((counts * (counts - 1)).sum()) / (size * (size - 1) * h)


def _equal_neighbours(ranked: np.ndarray) -> bool:
    """Whether the sorted array ``ranked`` holds a value twice."""
    return ranked.size > 1 and bool(np.any(ranked[1:] == ranked[:-1]))


def _digits(Z: IntegerRows | list[list[int]], scale: list[int]) -> Projection:
    if isinstance(Z, IntegerRows):
        d, lo, hi = Z.array.shape[1], int(Z.array.min()), int(Z.array.max())
    else:
        d, lo, hi = len(Z[0]), min(min(z) for z in Z), max(max(z) for z in Z)
    r = [(hi - lo + 1) ** (d - 1 - k) for k in range(d)]
    made = _made(scale, r, _products(Z, r), "digits")
    if made is None:
        raise InvariantError("base-K digits are injective on distinct integer rows")
    return made


def as_rationals(p: Projection) -> list[Any]:
    """The sorted projected values as exact rationals."""
    return [Q(p.t[i]) for i in p.order]
