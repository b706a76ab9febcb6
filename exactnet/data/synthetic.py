"""Reproducible example data sets (the seed's data shape and friends)."""

from __future__ import annotations

import random

import numpy as np

from exactnet.data.dataset import Dataset
from exactnet.data.integer_rows import first_occurrence
from exactnet.errors import ArgumentError


def integer_data(n: int, dim: int = 5, seed: int = 0, low: int = 0, high: int = 100, outputs: int = 1) -> Dataset:
    """``n`` distinct integer inputs drawn uniformly from [low, high)^dim with integer outputs
    in [low, high), by ``random.Random(seed)``. Raises ``ArgumentError`` if the box holds fewer
    than ``n`` points."""
    _check_box(n, dim, low, high)
    rng = random.Random(seed)
    seen: set[tuple[int, ...]] = set()
    X: list[tuple[int, ...]] = []
    while len(X) < n:
        x = tuple(rng.randrange(low, high) for _ in range(dim))
        if x not in seen:
            seen.add(x)
            X.append(x)
    Y = [[rng.randrange(low, high) for _ in range(outputs)] for _ in X]
    if -(1 << 62) < low and high < 1 << 62:  # inputs kept as one integer array (``IntegerRows``)
        return Dataset.from_arrays(np.array(X, dtype=_dtype(low, high)), Y, source="synthetic")
    return Dataset.from_rows(X, Y, source="synthetic")


def integer_array_data(n: int, dim: int, seed: int = 0, low: int = 0, high: int = 256, outputs: int = 1) -> Dataset:
    """``n`` distinct integer inputs drawn uniformly from [low, high)^dim, and integer outputs in
    [low, high), by numpy's ``default_rng(seed)``: rows equal to an earlier row are drawn again
    until all differ. For sizes ``integer_data`` draws too slowly (10^6 x 784 of uint8 in seconds);
    the inputs are one array of the smallest integer dtype holding the range. Raises
    ``ArgumentError`` as ``integer_data`` does."""
    _check_box(n, dim, low, high)
    rng = np.random.default_rng(seed)
    X = rng.integers(low, high, size=(n, dim), dtype=_dtype(low, high))
    while True:
        again = np.flatnonzero(first_occurrence(X) != np.arange(n))
        if again.size == 0:
            break
        X[again] = rng.integers(low, high, size=(again.size, dim), dtype=X.dtype)
    Y = rng.integers(low, high, size=(n, outputs), dtype=np.int64)
    return Dataset.from_arrays(X, Y, source="synthetic")


def _check_box(n: int, dim: int, low: int, high: int) -> None:
    """``ArgumentError`` unless n >= 1, dim >= 1 and [low, high)^dim holds n distinct points."""
    if n < 1 or dim < 1:
        raise ArgumentError(f"need n >= 1 and dim >= 1, got n={n}, dim={dim}")
    if (high - low) ** dim < n:
        raise ArgumentError(f"[{low}, {high})^{dim} holds fewer than {n} distinct points")


def _dtype(low: int, high: int) -> np.dtype:
    """The smallest numpy integer dtype holding [low, high)."""
    return np.result_type(np.min_scalar_type(low), np.min_scalar_type(high - 1))
