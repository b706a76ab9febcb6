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
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.errors import InvariantError
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


def project(X: tuple[tuple[Any, ...], ...], seed: int = 0, draws: int = DRAWS_PER_BOUND,
            narrowest: bool = False) -> Projection:
    """Choose w for the distinct inputs ``X`` (exact rationals); see the module docstring.

    ``draws`` rows are tried per bound. With ``narrowest``, every draw at the first bound that
    gives an injective row is tried and the one with the smallest range of t wins (the dyadic
    construction's bit span grows with twice the bits of that range)."""
    d = len(X[0])
    scale = [math.lcm(*(int(x[k].denominator) for x in X)) for k in range(d)]
    Z = [[int(x[k] * scale[k]) for k in range(d)] for x in X]  # integer inputs
    if d == 1:
        return _made(scale, [1], Z, "identity") or _digits(Z, scale)
    zmax = max(max(map(abs, z)) for z in Z)
    Z64 = np.array(Z, dtype=np.int64) if zmax < 1 << 62 else None  # converted once for every draw
    rng = random.Random(seed)
    for bits in range(MAX_BOUND_BITS + 1):
        # pigeonhole: |t| <= d * zmax * 2^bits, so fewer than N values of t exist below this bound
        possible = 2 * d * zmax * (1 << bits) + 1 >= len(Z)
        found = []
        for _ in range(draws):
            r = [rng.randint(-(1 << bits), 1 << bits) for _ in range(d)]  # drawn even when skipped: same rows
            made = _made(scale, r, Z, "random", zmax, Z64) if possible else None
            if made and not narrowest:
                return made
            if made:
                found.append(made)
        if found:
            return min(found, key=lambda p: p.range)
    return _digits(Z, scale)


def _made(scale: list[int], r: list[int], Z: list[list[int]], method: str, zmax: int | None = None,
          Z64: Any = None) -> Projection | None:
    """The projection with row r (on the integer inputs Z) if it is injective, else None.
    ``zmax`` (largest |entry| of Z) and ``Z64`` (Z as an int64 array) may be given precomputed."""
    if zmax is None:
        zmax = max(max(map(abs, z)) for z in Z)
    if zmax * max(1, *map(abs, r)) * len(r) < 1 << 62:  # every product and sum fits int64
        Z64 = np.array(Z, dtype=np.int64) if Z64 is None else Z64
        t64 = Z64 @ np.array(r, dtype=np.int64)
        if _equal_neighbours(np.sort(t64[:SAMPLE])):  # most rows that fail collide among the first points
            return None
        order64 = np.argsort(t64, kind="stable")
        if _equal_neighbours(t64[order64]):
            return None
        return Projection(tuple(s * rk for s, rk in zip(scale, r)), tuple(t64.tolist()), tuple(order64.tolist()),
                          method)
    t = [sum(a * b for a, b in zip(r, z)) for z in Z]
    if len(set(t)) != len(t):
        return None
    order = sorted(range(len(t)), key=t.__getitem__)
    return Projection(tuple(s * rk for s, rk in zip(scale, r)), tuple(t), tuple(order), method)


def _equal_neighbours(ranked: np.ndarray) -> bool:
    """Whether the sorted array ``ranked`` holds a value twice."""
    return ranked.size > 1 and bool(np.any(ranked[1:] == ranked[:-1]))


def _digits(Z: list[list[int]], scale: list[int]) -> Projection:
    d = len(Z[0])
    lo = min(min(z) for z in Z)
    K = max(max(z) for z in Z) - lo + 1
    made = _made(scale, [K ** (d - 1 - k) for k in range(d)], Z, "digits")
    if made is None:
        raise InvariantError("base-K digits are injective on distinct integer rows")
    return made


def as_rationals(p: Projection) -> list[Any]:
    """The sorted projected values as exact rationals."""
    return [Q(p.t[i]) for i in p.order]
