"""How many pieces a piecewise-linear approximation needs: a rigorous bound on max |f''| over
[a, b] by branch and bound over enclosures, and the step rule that turns it into a count.

The interval is cut into ``START_BOXES`` boxes; the box with the largest enclosure of |f''| is
split until that upper bound is within ``M_TOLERANCE`` of the best lower bound (the |f''| at a
box midpoint), or ``MAX_BOXES`` boxes are used (the bound is then looser, still an upper bound).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from exactnet.analysis.enclosure import PREC, ApproxError, lower, second_derivative_enclosure, upper
from exactnet.analysis.expr import Expr

RULES = ("seed", "interpolation")
M_TOLERANCE = Fraction(1, 100)
START_BOXES = 64
MAX_BOXES = 4096
MAX_PIECES = 200_000
M_CEILING_BITS = 1000  # |f''| above 2^1000 would need more than 2^500 pieces


@dataclass(frozen=True)
class Bound:
    """lower <= max |f''| on [a, b] <= upper, both exact; ``boxes`` sub-intervals were used."""

    lower: Fraction
    upper: Fraction
    boxes: int
    converged: bool  # upper - lower <= M_TOLERANCE * max(lower, ...)


def second_derivative_bound(e: Expr, a: Fraction, b: Fraction) -> Bound:
    """Rigorous bounds on max |f''| over [a, b] by branch and bound over arb enclosures.
    Raises ``ApproxError`` when f'' has no finite enclosure (a singularity, or a function
    outside its domain such as log of a negative number)."""
    old = flint.ctx.prec
    flint.ctx.prec = PREC
    try:
        heap: list[tuple[Fraction, Fraction, Fraction]] = []
        best = Fraction(0)
        step = (b - a) / START_BOXES
        count = 0
        for k in range(START_BOXES):
            lo, hi = a + k * step, a + (k + 1) * step
            heapq.heappush(heap, (-_abs_upper(e, lo, hi), lo, hi))
            best = max(best, _abs_lower(e, (lo + hi) / 2))
            count += 1
        while True:
            neg_up, lo, hi = heap[0]
            up = -neg_up
            if up - best <= M_TOLERANCE * best or up == 0:
                return Bound(best, up, count, True)
            if count >= MAX_BOXES:
                return Bound(best, up, count, False)
            heapq.heappop(heap)
            mid = (lo + hi) / 2
            for u, v in ((lo, mid), (mid, hi)):
                heapq.heappush(heap, (-_abs_upper(e, u, v), u, v))
                best = max(best, _abs_lower(e, (u + v) / 2))
                count += 1
    finally:
        flint.ctx.prec = old


def _abs_upper(e: Expr, lo: Fraction, hi: Fraction) -> Fraction:
    d2 = second_derivative_enclosure(e, lo, hi)
    if not d2.is_finite():
        raise ApproxError(f"f'' has no finite bound on [{float(lo):.6g}, {float(hi):.6g}] (a singularity or a "
                          "value outside the domain of log, sqrt or division?)")
    return upper(_within_ceiling(d2.abs_upper(), lo, hi))


def _abs_lower(e: Expr, x: Fraction) -> Fraction:
    d2 = second_derivative_enclosure(e, x, x)
    return lower(_within_ceiling(d2.abs_lower(), x, x)) if d2.is_finite() else Fraction(0)


def _within_ceiling(v: Any, lo: Fraction, hi: Fraction) -> Any:
    """``v`` if it is below 2^``M_CEILING_BITS``; else ``ApproxError``: so large an |f''| would
    need more than 2^(bits/2) pieces on any interval, far beyond ``MAX_PIECES``, and its exact
    value could exhaust memory."""
    if v > flint.arb(2) ** M_CEILING_BITS:
        raise ApproxError(f"|f''| exceeds 2^{M_CEILING_BITS} on [{float(lo):.6g}, {float(hi):.6g}]: no "
                          f"approximation within {MAX_PIECES:,} pieces exists there; shrink the interval")
    return v


def pieces_for(M: Fraction, a: Fraction, b: Fraction, eps: Fraction, rule: str) -> int:
    """The smallest n >= 1 with h = (b - a) / n meeting the rule: M h^2 / c <= eps with c = 2
    ("seed") or 8 ("interpolation")."""
    c = 2 if rule == "seed" else 8
    need = M * (b - a) ** 2 / (c * eps)  # n^2 >= need
    n = max(1, math.isqrt(math.ceil(need)))
    while n * n < need:
        n += 1
    return n
