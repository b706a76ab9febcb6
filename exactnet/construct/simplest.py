"""Simplest rationals (Stern-Brocot: smallest denominator, then smallest numerator) in an
interval: the knots and crossings of the rational constructions, as short as they can be."""

from __future__ import annotations

from typing import Any

from exactnet.rational import Q, floor


def simplest_between(lo: Any, hi: Any) -> Any:
    """The simplest rational strictly inside the open interval (lo, hi), lo < hi.

    "Simplest" is the Stern-Brocot sense: smallest denominator, and among those the
    smallest numerator in absolute value. If the interval holds an integer, the result is
    the integer nearest to zero. Runs in O(number of continued-fraction terms) steps.
    """
    if not lo < hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    lo, hi = Q(lo), Q(hi)
    if lo < 0 < hi:
        return Q(0)
    if hi <= 0:
        return -simplest_between(-hi, -lo)
    # 0 <= lo < hi: walk down the continued fraction, keeping the integer parts seen.
    parts: list[int] = []
    while True:
        a = floor(lo)
        if a + 1 < hi:
            value = Q(a + 1)
            break
        if lo == a:  # the interval (a, hi) with hi <= a + 1
            value = Q(a) + Q(1, floor(1 / (hi - a)) + 1)
            break
        parts.append(a)
        lo, hi = 1 / (hi - a), 1 / (lo - a)
    for a in reversed(parts):
        value = a + 1 / value
    return value


def simplest_in_middle(lo: Any, hi: Any) -> Any:
    """The simplest rational in the middle third of (lo, hi), lo < hi: as simple as a point of
    the interval can be while keeping at least a third of its width to either end."""
    third = (Q(hi) - Q(lo)) / 3
    return simplest_between(lo + third, hi - third)


def simplest_above(lo: Any) -> Any:
    """The simplest rational strictly greater than ``lo``: the integer nearest to zero above it."""
    lo = Q(lo)
    if lo < 0:
        return Q(0)
    return Q(floor(lo) + 1)


def simplest_below(hi: Any) -> Any:
    """The simplest rational strictly less than ``hi``."""
    return -simplest_above(-Q(hi))
