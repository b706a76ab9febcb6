"""The one result type of every evaluation path, and the one comparer.

Every path (``certificate.PATHS``) returns the network's exact outputs as ``Outputs`` blocks of
consecutive points, in data order: integers over denominators, never rounded. ``compare``
tallies the points whose outputs differ from the data's, whatever path produced them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gmpy2 import mpq

Exact = tuple[tuple[int, int], ...]  # one point's outputs as (numerator, denominator) pairs


@dataclass(frozen=True)
class Outputs:
    """Exact outputs of a block of consecutive points: output ``o`` of the block's ``k``-th point
    is ``numerators[k][o] / (rows[k] * columns[o])`` (``rows`` None: every row factor 1)."""

    numerators: Sequence[Sequence[Any]]
    columns: tuple[int, ...]
    rows: Sequence[int] | None = None

    @classmethod
    def dyadic(cls, values: Sequence[Sequence[int]], scale: int, outputs: int) -> Outputs:
        """Outputs ``values[k][o] / 2^scale`` (integers in units of ``2^-scale``)."""
        if scale >= 0:
            return cls(values, (1 << scale,) * outputs)
        return cls([[v << -scale for v in row] for row in values], (1,) * outputs)

    @classmethod
    def rationals(cls, values: Iterable[Sequence[Any]], outputs: int) -> Outputs:
        """Outputs given as exact rationals (anything with ``numerator`` and ``denominator``)."""
        numerators, rows = [], []
        for y in values:
            r = math.lcm(*(int(v.denominator) for v in y)) if y else 1
            rows.append(r)
            numerators.append([int(v.numerator) * (r // int(v.denominator)) for v in y])
        return cls(numerators, (1,) * outputs, rows)

    def __len__(self) -> int:
        return len(self.numerators)

    def fractions(self) -> list[tuple[Fraction, ...]]:
        """Every point's outputs as reduced Fractions."""
        return [self.fraction(k) for k in range(len(self))]

    def fraction(self, k: int) -> tuple[Fraction, ...]:
        r = 1 if self.rows is None else int(self.rows[k])
        return tuple(_fraction(v, r * c) for v, c in zip(self.numerators[k], self.columns))

    def equals(self, k: int, want: Exact) -> bool:
        """Whether the ``k``-th point's outputs are exactly ``want`` (cross-multiplied integers)."""
        r = 1 if self.rows is None else self.rows[k]
        return all(v * q == p * r * c for v, c, (p, q) in zip(self.numerators[k], self.columns, want))


def _fraction(n: Any, d: int) -> Fraction:
    """n / d as a Fraction, reduced by GMP first (the numbers may have thousands of digits)."""
    q = mpq(int(n), d)
    return Fraction(int(q.numerator), int(q.denominator))


@dataclass(frozen=True)
class Failure:
    """One point whose output differs: data index (0-based), expected, got, got - expected."""

    index: int
    expected: tuple[Fraction, ...]
    got: tuple[Fraction, ...]
    difference: tuple[Fraction, ...]


@dataclass(frozen=True)
class Tally:
    """How many points differ, the exact largest difference, and the first ``keep`` failures."""

    failed: int
    worst: Fraction
    failures: tuple[Failure, ...]


def exact_outputs(Y: Iterable[Sequence[Any]]) -> list[Exact]:
    """The data's outputs as (numerator, denominator) pairs, the form ``compare`` reads."""
    return [tuple((int(w.numerator), int(w.denominator)) for w in y) for y in Y]


def compare(blocks: Iterable[Outputs], Y: Sequence[Exact], keep: int) -> Tally:
    """Compare consecutive blocks of outputs with ``Y`` (``exact_outputs``): every differing
    point counted, the largest absolute difference exact, the first ``keep`` listed in order."""
    failed, worst, failures, start = 0, Fraction(0), [], 0
    for block in blocks:
        for k in range(len(block)):
            want = Y[start + k]
            if block.equals(k, want):
                continue
            failed += 1
            got = block.fraction(k)
            expected = tuple(Fraction(p, q) for p, q in want)
            diff = tuple(g - e for g, e in zip(got, expected))
            worst = max(worst, *(abs(x) for x in diff))
            if len(failures) < keep:
                failures.append(Failure(start + k, expected, got, diff))
        start += len(block)
    return Tally(failed, worst, tuple(failures))
