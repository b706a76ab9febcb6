"""Step 2: cut the sorted projections into segments and place the first-layer knots.

Points (sorted by t) fill segments of ``a2`` points in order; only the last non-empty segment
may be shorter, and segments past ``ceil(N / a2)`` stay empty (their first-layer neurons get a
zero column in the second layer). Segment i (0-based) is *rising* when i is even: its points
are listed left to right; odd segments are *falling*: listed right to left.

Knots: b_0 is the largest integer below the smallest t; b_i (i >= 1) is the simplest rational
strictly between segment i-1 and segment i; ``end`` is the smallest integer above the largest
t. Integer t with gaps of at least 2 give integer knots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.rational import Q, floor, simplest_between


@dataclass(frozen=True)
class Segments:
    parts: tuple[tuple[int, ...], ...]  # listed positions (into the sorted order) per non-empty segment
    knots: tuple[Any, ...]  # b_0 .. b_{s-1} for the s non-empty segments, then ``end``

    @property
    def count(self) -> int:
        return len(self.parts)


def cut(t: Sequence[Any], a2: int) -> Segments:
    """Segments of ``a2`` consecutive points of the ascending ``t`` and their knots."""
    n = len(t)
    parts = []
    knots = [Q(-floor(-t[0]) - 1)]
    for i, start in enumerate(range(0, n, a2)):
        positions = tuple(range(start, min(start + a2, n)))
        parts.append(positions if i % 2 == 0 else positions[::-1])
        if start > 0:
            knots.append(simplest_between(t[start - 1], t[start]))
    knots.append(Q(floor(t[-1]) + 1))
    return Segments(tuple(parts), tuple(knots))
