"""Predicted size of the largest parameter (in bits) of a constructed network.

The prediction runs the construction itself, on synthetic data shaped like the seed's
(integer inputs and outputs in [0, 100), the range doubled until [0, R)^dim holds 2N points):

* N <= ``MEASURE_LIMIT`` points: the network of exactly that shape is built and its largest
  parameter is measured ("measured").
* larger N: the largest parameter grows about linearly with the number of segments a1 at a
  fixed a2 (see benchmarks), so networks (a1', a2) with a1' * a2 <= ``MEASURE_LIMIT`` are built
  and a least-squares line in a1 is evaluated at a1 ("extrapolated"). a2 above
  ``MEASURE_LIMIT`` // 2 is capped there, which underestimates.

Every number is an estimate for data like the synthetic data: wider ranges, more dimensions or
rational inputs with large denominators make the projection, and everything after it, larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from exactnet.construct.one_layer import build_one_layer
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.data.synthetic import integer_data

MEASURE_LIMIT = 2048
OUTPUTS_MEASURED = 16  # the one-layer interpolant is measured on at most this many outputs


@dataclass(frozen=True)
class BitsEstimate:
    """``bits`` is None when no prediction is available; ``method`` says how it was obtained."""

    bits: int | None
    method: str


def synthetic(n: int, dim: int, outputs: int = 1, seed: int = 0) -> Dataset:
    """``n`` distinct integer points in [0, R)^dim with integer outputs in [0, R), R = 100, doubled
    until the box holds at least 2n points."""
    high = 100
    while high**dim < 2 * n:
        high *= 2
    return integer_data(n, dim, seed=seed, high=high, outputs=outputs)


@lru_cache(maxsize=256)
def _two_layer_measured(n: int, a1: int, a2: int, dim: int, outputs: int) -> int:
    net = build_two_layer(synthetic(n, dim, outputs), a1, a2)
    return net.bit_stats()["largest_bits"]


def two_layer_bits(points: int, a1: int, a2: int, dim: int = 1, outputs: int = 1) -> BitsEstimate:
    """Largest-parameter bits of the two-hidden-layer construction with widths (a1, a2).

    With ``outputs`` m > 1 and more than ``MEASURE_LIMIT`` points (or more than 4 ``MEASURE_LIMIT``
    numbers of outputs to build on), each output's group is
    predicted as a scalar construction on a1 * (a2 div m) points with a2 div m neurons
    (Theorem 4 builds exactly that per output)."""
    measurable = points <= MEASURE_LIMIT and points * outputs <= 4 * MEASURE_LIMIT  # the build's data stay small
    if measurable:
        return BitsEstimate(_two_layer_measured(points, a1, a2, dim, outputs), "measured")
    if outputs > 1:
        q = a2 // outputs
        if q == 0:
            return BitsEstimate(None, "n/a")
        inner = two_layer_bits(min(points, a1 * q), a1, q, dim)
        return BitsEstimate(inner.bits, inner.method + " per output")
    a2c = min(a2, MEASURE_LIMIT // 2)
    k = MEASURE_LIMIT // a2c
    xs = sorted({v for v in (k, (2 * k) // 3, k // 3, 1) if 1 <= v < a1})[-3:]
    if len(xs) < 2:
        return BitsEstimate(None, "n/a")
    ys = [_two_layer_measured(x * a2c, x, a2c, dim, 1) for x in xs]
    slope, icept = _line(xs, ys)
    method = f"extrapolated (a1 = {','.join(map(str, xs))})"
    if a2c < a2:
        method = f"extrapolated (a2 capped at {a2c}: low)"
    return BitsEstimate(max(1, round(icept + slope * a1)), method)


@lru_cache(maxsize=64)
def _one_layer_measured(n: int, dim: int, outputs: int) -> int:
    return build_one_layer(synthetic(n, dim, outputs), seed=0).bit_stats()["largest_bits"]


def one_layer_bits(points: int, dim: int = 1, outputs: int = 1) -> BitsEstimate:
    """Largest-parameter bits of the one-hidden-layer interpolant on ``points`` points: measured
    up to ``MEASURE_LIMIT`` points, else a line in log2 N through builds at a quarter of that
    and at it (its size grows with the projection's, about log2 N)."""
    if points < 2:
        return BitsEstimate(None, "n/a")
    outputs = min(outputs, OUTPUTS_MEASURED)  # every output's weights are built alike
    if points <= MEASURE_LIMIT:
        return BitsEstimate(_one_layer_measured(points, dim, outputs), "measured")
    ns = [MEASURE_LIMIT // 4, MEASURE_LIMIT]
    ys = [_one_layer_measured(n, dim, outputs) for n in ns]
    slope, icept = _line([math.log2(n) for n in ns], ys)
    return BitsEstimate(max(1, round(icept + slope * math.log2(points))), "extrapolated (log2 N)")


def _line(xs: list[float], ys: list[int]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return slope, my - slope * mx
