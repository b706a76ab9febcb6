"""The size measure of Chen, Gamst and Walker: fit a model to Gaussian noise and compare the sum
of squares of its outputs on the training inputs with the data's own.

A network that memorizes the data exactly reproduces the data's sum of squares exactly (a
chi-square variable with N degrees of freedom, about N); a model that fits only part of the
noise falls short. Data are drawn by ``random.Random(seed).gauss`` and rounded to ``decimals``
decimal places, so every value is an exact rational; the sums are computed exactly by
``verifier.general.evaluate_all``, the verifier's own general evaluator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from exactnet.analysis.plan import nodes_text
from exactnet.analysis.report import Column, Report
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError
from exactnet.network import Network
from exactnet.verifier.general import evaluate_all

MAX_POINTS = 20_000
ONE_LAYER_LIMIT = 1000  # above this, the interpolant's N - 1 neurons make exact evaluation slow
SEED_001 = "trained 3-input networks with 2, 3, 4 hidden layers of 64 ReLU neurons reached about 370, 580, 600 " \
           "of 2,500 (Chen, Gamst, Walker, fig. 1)"


def gaussian_data(points: int, dim: int, seed: int = 0, decimals: int = 3) -> Dataset:
    """``points`` distinct standard-normal inputs in R^dim with standard-normal outputs, each
    value rounded to ``decimals`` decimals (exact rationals k / 10^decimals). A draw whose
    rounded input repeats an earlier one is drawn again. Raises ``ArgumentError`` for sizes < 1,
    ``decimals`` outside 0..12 or more than ``MAX_POINTS`` points."""
    _check(points, dim, decimals)
    rng = random.Random(seed)
    scale = 10**decimals
    seen: set[tuple[int, ...]] = set()
    X: list[list[Fraction]] = []
    Y: list[Fraction] = []
    while len(X) < points:
        x = tuple(round(rng.gauss(0.0, 1.0) * scale) for _ in range(dim))
        y = round(rng.gauss(0.0, 1.0) * scale)
        if x in seen:
            continue
        seen.add(x)
        X.append([Fraction(v, scale) for v in x])
        Y.append(Fraction(y, scale))
    return Dataset.from_rows(X, Y, source="gaussian noise")


@dataclass(frozen=True)
class NoiseFit:
    """One model on one noise set: sum of squares of its outputs vs the data's, exactly."""

    points: int
    model: str
    widths: tuple[int, ...]
    parameters: int
    model_sum: Fraction
    data_sum: Fraction
    exact: bool  # the independent verifier found every output exact


def fit(data: Dataset, net: Network, model: str) -> NoiseFit:
    """Sums of squares of ``net``'s outputs on ``data``'s inputs (the verifier's exact
    evaluation) and of ``data``'s outputs; ``exact`` when every output equals the data's."""
    got = evaluate_all(net, data.X)  # the verifier picks its engine (FLINT when installed)
    want = [tuple(Fraction(int(v.numerator), int(v.denominator)) for v in row) for row in data.Y]
    model_sum = sum((v * v for row in got for v in row), Fraction(0))
    data_sum = sum((v * v for row in want for v in row), Fraction(0))
    exact = all(tuple(g) == w for g, w in zip(got, want))
    return NoiseFit(data.n, model, tuple(net.widths), net.parameter_count(), model_sum, data_sum, exact)


def noise_fits(points: list[int], dim: int, seed: int = 0, decimals: int = 3,
               one_layer: bool = True) -> list[NoiseFit]:
    """For each N: the two-hidden-layer construction with the fewest neurons and, when
    ``one_layer``, N <= ``ONE_LAYER_LIMIT`` and the builder is installed, the one-hidden-layer
    interpolant, both on the same Gaussian noise."""
    fits = []
    for n in points:
        data = gaussian_data(n, dim, seed, decimals)
        fits.append(fit(data, build_two_layer(data, seed=seed), "two hidden layers"))
        if one_layer and n <= ONE_LAYER_LIMIT:
            from exactnet.construct.one_layer import build_one_layer

            fits.append(fit(data, build_one_layer(data, seed=seed), "one hidden layer"))
    return fits


def report(points: list[int], dim: int, seed: int = 0, decimals: int = 3, one_layer: bool = True) -> Report:
    """``noise_fits`` as a table, one row per (N, model)."""
    fits = noise_fits(points, dim, seed, decimals, one_layer)
    rows = tuple(
        {"points": f.points, "model": f.model, "nodes": nodes_text(f.widths), "neurons": sum(f.widths),
         "parameters": f.parameters, "model_sum": f.model_sum, "data_sum": f.data_sum,
         "model_sum_approx": round(float(f.model_sum), 3), "data_sum_approx": round(float(f.data_sum), 3),
         "equal": f.model_sum == f.data_sum, "exact": f.exact}
        for f in fits
    )
    return Report(
        title=f"size on Gaussian noise ({dim} input(s), seed {seed}, values rounded to {decimals} decimals)",
        columns=(Column("points", "points"), Column("model", "model"), Column("nodes", "nodes per hidden layer"),
                 Column("neurons", "neurons"), Column("parameters", "parameters"),
                 Column("model_sum", "sum of squares of outputs (exact)"),
                 Column("data_sum", "data's sum of squares (exact)"),
                 Column("model_sum_approx", "outputs (approx.)"), Column("data_sum_approx", "data (approx.)"),
                 Column("equal", "sums equal"), Column("exact", "every output exact")),
        rows=rows,
        caption="sums of squares computed exactly by the verifier's evaluation; a perfect fit matches the data's "
                "sum, which is about N",
        notes=(f"for comparison, seed 001: {SEED_001}",
               f"the one-hidden-layer interpolant is shown up to {ONE_LAYER_LIMIT:,} points"),
    )


def _check(points: int, dim: int, decimals: int) -> None:
    if points < 1:
        raise ArgumentError(f"points must be at least 1, got {points}")
    if points > MAX_POINTS:
        raise ArgumentError(f"points must be at most {MAX_POINTS:,}, got {points:,}")
    if dim < 1:
        raise ArgumentError(f"dim must be at least 1, got {dim}")
    if not 0 <= decimals <= 12:
        raise ArgumentError(f"decimals must be between 0 and 12, got {decimals}")

