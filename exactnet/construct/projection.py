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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.errors import InvariantError
from exactnet.integer_rows import IntegerRows
from exactnet.rational import Q

MAX_BOUND_BITS = 40
DRAWS_PER_BOUND = 2
SAMPLE = 20_000  # points checked first for a repeated t (a cheap early "not injective")


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
            narrowest: bool = False) -> Projection:
    """Choose w for the distinct inputs ``X`` (exact rationals, or ``IntegerRows``); see the
    module docstring.

    ``draws`` rows are tried per bound. With ``narrowest``, every draw at the first bound that
    gives an injective row is tried and the one with the smallest range of t wins (the dyadic
    construction's bit span grows with twice the bits of that range)."""
    d = len(X[0])
    scale, Z = _integer_inputs(X)
    if d == 1:
        return _made(scale, [1], Z, "identity") or _digits(Z, scale)
    zmax = _max_abs(Z)
    rng = random.Random(seed)
    for bits in range(MAX_BOUND_BITS + 1):
        # pigeonhole: |t| <= d * zmax * 2^bits, so fewer than N values of t exist below this bound
        possible = 2 * d * zmax * (1 << bits) + 1 >= len(Z)
        found = []
        for _ in range(draws):
            r = [rng.randint(-(1 << bits), 1 << bits) for _ in range(d)]  # drawn even when skipped: same rows
            made = _made(scale, r, Z, "random") if possible else None
            if made and not narrowest:
                return made
            if made:
                found.append(made)
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
    if _max_abs(Z) < 1 << 62:
        return scale, IntegerRows(np.array(Z, dtype=np.int64))
    return scale, Z


def _max_abs(Z: IntegerRows | list[list[int]]) -> int:
    return Z.max_abs() if isinstance(Z, IntegerRows) else max(max(map(abs, z)) for z in Z)


def _made(scale: list[int], r: list[int], Z: IntegerRows | list[list[int]], method: str) -> Projection | None:
    """The projection with row r (on the integer inputs Z) if it is injective, else None."""
    if isinstance(Z, IntegerRows):
        head = Z[:SAMPLE].products(r)  # most rows that fail collide among the first points
        if isinstance(head, np.ndarray) and _equal_neighbours(np.sort(head)):
            return None
        t = Z.products(r)
    else:
        t = [sum(a * b for a, b in zip(r, z)) for z in Z]
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


def _equal_neighbours(ranked: np.ndarray) -> bool:
    """Whether the sorted array ``ranked`` holds a value twice."""
    return ranked.size > 1 and bool(np.any(ranked[1:] == ranked[:-1]))


def _digits(Z: IntegerRows | list[list[int]], scale: list[int]) -> Projection:
    if isinstance(Z, IntegerRows):
        d, lo, hi = Z.array.shape[1], int(Z.array.min()), int(Z.array.max())
    else:
        d, lo, hi = len(Z[0]), min(min(z) for z in Z), max(max(z) for z in Z)
    made = _made(scale, [(hi - lo + 1) ** (d - 1 - k) for k in range(d)], Z, "digits")
    if made is None:
        raise InvariantError("base-K digits are injective on distinct integer rows")
    return made


def as_rationals(p: Projection) -> list[Any]:
    """The sorted projected values as exact rationals."""
    return [Q(p.t[i]) for i in p.order]
