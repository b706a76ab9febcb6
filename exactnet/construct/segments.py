"""Step 2: cut the sorted projections into segments and place the first-layer knots.

Points (sorted by t) fill segments of ``a2`` points in order; only the last non-empty segment
may be shorter, and segments past ``ceil(N / a2)`` stay empty (their first-layer neurons get a
zero column in the second layer). Segment i (0-based) is *rising* when i is even: its points
are listed left to right; odd segments are *falling*: listed right to left.

Knots: b_i (i >= 1) is the simplest rational in the middle third of the gap between segment
i-1 and segment i; b_0 and ``end`` sit likewise one mean gap (t_max - t_min) / (N - 1) below the
smallest and above the largest t. A knot at the edge of its gap would make the ratio of the
distances to its two neighbouring points, which every second-layer neuron multiplies through
its knot values, as large as the gap; in the middle it stays below 2. Bit sizes are the same
either way, but parameter magnitudes (and so float export errors) are far smaller: at 32 x 32
on the seed's data shape, max |parameter| 2^29 instead of 2^145.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.construct.simplest import simplest_in_middle
from exactnet.rational import Q


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
    mean_gap = (t[-1] - t[0]) / (n - 1) if n > 1 else Q(1)
    knots = [simplest_in_middle(t[0] - mean_gap, t[0])]
    for i, start in enumerate(range(0, n, a2)):
        positions = tuple(range(start, min(start + a2, n)))
        parts.append(positions if i % 2 == 0 else positions[::-1])
        if start > 0:
            knots.append(simplest_in_middle(t[start - 1], t[start]))
    knots.append(simplest_in_middle(t[-1], t[-1] + mean_gap))
    return Segments(tuple(parts), tuple(knots))
