"""The hidden widths a Theorem 3/4 build uses: given, or the smallest whose capacity holds N."""

from __future__ import annotations

from dataclasses import dataclass

from exactnet.capacity import check_width_ceiling, smallest_a1, smallest_two_layer, two_layer_capacity
from exactnet.errors import ArgumentError, CapacityError


@dataclass(frozen=True)
class Widths:
    """Hidden widths (a1, a2) and why they were chosen ("" when both were given)."""

    a1: int
    a2: int
    reason: str = ""


def choose_widths(points: int, outputs: int = 1, dim: int = 1, a1: int | None = None,
                  a2: int | None = None) -> Widths:
    """The widths a two-hidden-layer build with ``outputs`` outputs uses for ``points`` points.

    Both missing: ``capacity.smallest_two_layer`` (fewest neurons, then fewest parameters).
    One missing: the smallest value of it whose capacity a1 * (a2 div m) + (a2 mod m) reaches N.
    Raises ``ArgumentError`` for widths below 1, ``CapacityError`` for a capacity below N, stating the capacity
    and the smallest widths that would fit.
    """
    if points < 1:
        raise ArgumentError(f"need at least one point, got {points}")
    if outputs < 1:
        raise ArgumentError(f"outputs must be at least 1, got {outputs}")
    check_width_ceiling(points, outputs, a1=a1, a2=a2)
    m = outputs
    if a1 is None and a2 is None:
        s1, s2 = smallest_two_layer(points, m, dim)
        cap = two_layer_capacity(s1, s2, m)
        return Widths(s1, s2, f"widths {s1} x {s2}: fewest neurons ({s1 + s2}) with capacity {cap:,} >= "
                              f"{points:,} for {m} output{'s' if m > 1 else ''}")
    for name, value in (("a1", a1), ("a2", a2)):
        if value is not None and value < 1:
            raise ArgumentError(f"{name} must be at least 1, got {value}")
    reason = ""
    if a2 is None and a1 is not None:
        a2 = next(b for b in range(1, (points + 1) * m + 1) if two_layer_capacity(a1, b, m) >= points)
        reason = f"a2 = {a2}: the smallest with capacity >= {points:,} at a1 = {a1}"
    elif a1 is None:
        a1 = smallest_a1(points, a2, m) or 1  # None: no a1 is enough, the check below says so
        reason = f"a1 = {a1}: the smallest with capacity >= {points:,} at a2 = {a2}"
    cap = two_layer_capacity(a1, a2, m)
    if cap < points:
        s1, s2 = smallest_two_layer(points, m, dim)
        raise CapacityError(
            f"{points:,} points do not fit widths {a1} x {a2} with {m} output(s): capacity "
            f"a1*(a2 div m) + (a2 mod m) = {cap:,}; smallest widths that fit: {s1} x {s2}"
        )
    return Widths(a1, a2, reason)
