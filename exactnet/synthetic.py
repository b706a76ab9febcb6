"""Reproducible example data sets (the seed's data shape and friends)."""

from __future__ import annotations

import random

from exactnet.dataset import Dataset


def integer_data(n: int, dim: int = 5, seed: int = 0, low: int = 0, high: int = 100, outputs: int = 1) -> Dataset:
    """``n`` distinct integer inputs drawn uniformly from [low, high)^dim with integer outputs
    in [low, high), by ``random.Random(seed)``. Raises ``ValueError`` if the box holds fewer
    than ``n`` points."""
    if n < 1 or dim < 1:
        raise ValueError(f"need n >= 1 and dim >= 1, got n={n}, dim={dim}")
    if (high - low) ** dim < n:
        raise ValueError(f"[{low}, {high})^{dim} holds fewer than {n} distinct points")
    rng = random.Random(seed)
    seen: set[tuple[int, ...]] = set()
    X: list[tuple[int, ...]] = []
    while len(X) < n:
        x = tuple(rng.randrange(low, high) for _ in range(dim))
        if x not in seen:
            seen.add(x)
            X.append(x)
    Y = [[rng.randrange(low, high) for _ in range(outputs)] for _ in X]
    return Dataset.from_rows(X, Y, source="synthetic")
