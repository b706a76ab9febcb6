"""A property in the VNN-COMP sense and its exact answer.

A property is an input box and an unsafe region of the outputs, a disjunction of clauses
``y_k >= bound``, ``y_k <= bound`` or ``y_k - y_j >= bound``. The instance is ``sat`` when some
point of the box reaches the unsafe region, ``unsat`` otherwise. Its exact answer follows from
the exact extremes of each clause's left side over the box (``output_range``): the largest
signed margin (how far the extreme passes the bound; >= 0 means sat) decides, and the point
attaining it is the witness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.errors import ArgumentError
from exactnet.verifier.sweep import OutputRange

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class Clause:
    """``y[output] - y[other] op bound`` (``y[output] op bound`` when ``other`` is None); op is
    ">=" or "<="."""

    output: int
    op: str
    bound: Any
    other: int | None = None

    def left(self, y: Sequence[Any]) -> Any:
        return y[self.output] - (y[self.other] if self.other is not None else 0)

    def margin(self, value: Any) -> Any:
        """How far ``value`` of the left side passes the bound (>= 0: the clause holds)."""
        return value - self.bound if self.op == ">=" else self.bound - value

    def coeffs(self) -> dict[int, int]:
        return {self.output: 1} if self.other is None else {self.output: 1, self.other: -1}


@dataclass(frozen=True)
class Property:
    """Inputs in ``[lower, upper]``; unsafe when any clause holds."""

    lower: Vector
    upper: Vector
    clauses: tuple[Clause, ...]

    def outside(self, x: Sequence[Any]) -> Any:
        """How far ``x`` lies outside the box (0 inside), in the largest coordinate."""
        return max([max(a - v, v - b, 0) for a, v, b in zip(self.lower, x, self.upper)])

    def margin(self, y: Sequence[Any]) -> Any:
        """The largest clause margin of outputs ``y``: >= 0 exactly when ``y`` is unsafe."""
        return max(c.margin(c.left(y)) for c in self.clauses)


@dataclass(frozen=True)
class Answer:
    """The exact answer: ``margin`` >= 0 is ``sat``; ``extreme`` is the deciding clause's left
    side at its extreme over the box, attained at ``witness``."""

    verdict: str
    clause: Clause
    extreme: Any
    margin: Any
    witness: Vector


def answer(prop: Property, r: OutputRange) -> Answer:
    """The exact answer of ``prop`` from the exact range ``r`` over the same box."""
    if not prop.clauses:
        raise ArgumentError("a property needs at least one clause")
    options = []
    for c in prop.clauses:
        bounds = r.combination(c.coeffs())
        ext = bounds.max if c.op == ">=" else bounds.min
        options.append((c.margin(ext.value), c, ext))
    m, c, ext = max(options, key=lambda o: o[0])
    return Answer("sat" if m >= 0 else "unsat", c, ext.value, m, ext.witness)
