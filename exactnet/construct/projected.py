"""Step 1 as every builder starts: the data sorted by its projection t = w . x
(``projection.project``), with the outputs in the same order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactnet.construct.projection import DRAWS_PER_BOUND, Projection, as_rationals, project
from exactnet.data.dataset import Dataset


@dataclass(frozen=True)
class Projected:
    """The projection, its values ``t`` ascending (exact rationals) and the output rows ``ys``
    in the same order: ``ys[k]`` is the output of the point with value ``t[k]``."""

    projection: Projection
    t: list[Any]
    ys: list[tuple[Any, ...]]


def sort_by_projection(data: Dataset, seed: int = 0, *, draws: int = DRAWS_PER_BOUND, narrowest: bool = False,
                       proj: Projection | None = None) -> Projected:
    """``data`` sorted by t = w . x, for the projection ``proj`` or, without it, the one
    ``project(data.X, seed, draws, narrowest)`` chooses (deterministic for a given seed)."""
    if proj is None:
        proj = project(data.X, seed, draws=draws, narrowest=narrowest)
    return Projected(proj, as_rationals(proj), [data.Y[i] for i in proj.order])
