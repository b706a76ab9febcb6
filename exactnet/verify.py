"""Independent exact verification: evaluate a stored network on stored data, layer by layer.

This module imports nothing from ``exactnet.construct``. It evaluates all points at once.
Activations are kept as an integer matrix with a denominator per point (row) and per neuron
(column), ``H[n, i] = Hn[n, i] / (r[n] * c[i])``. A layer folds the column denominators into
its weights, clears each weight row (bias appended) to integers with its least common
denominator ``D_o``, and multiplies exactly: ``P = [Hn | r] @ Wn^T``, so the layer's output is
``P[n, o] / (r[n] * D_o)``. The sign of ``P`` is the sign of the output, so relu needs no
division and no gcd is ever taken. The product runs in FLINT (python-flint ``fmpz_mat``) when
it is installed, else in plain Python integers (the same numbers, slower); ``engine`` picks.

The certificate records the SHA-256 of the network's layers and of the data, N, and the exact
maximum absolute error over all points and outputs (0 exactly when every output matches).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from exactnet.dataset import Dataset
from exactnet.network import Network
from exactnet.rational import to_text

try:
    import flint

    HAVE_FLINT = True
except ImportError:  # pragma: no cover - exercised only without python-flint
    HAVE_FLINT = False

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Failure:
    """One point whose output differs: data index (0-based), expected, got, got - expected."""

    index: int
    expected: tuple[Fraction, ...]
    got: tuple[Fraction, ...]
    difference: tuple[Fraction, ...]


@dataclass(frozen=True)
class Certificate:
    exact: bool
    points: int
    outputs: int
    max_error: Fraction
    failed: int  # number of points with at least one wrong output
    failures: tuple[Failure, ...]  # the first few, in data order
    network_sha256: str
    data_sha256: str
    engine: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "points": self.points,
            "outputs": self.outputs,
            "max_error": to_text(self.max_error),
            "failed_points": self.failed,
            "network_sha256": self.network_sha256,
            "data_sha256": self.data_sha256,
            "engine": self.engine,
        }


def network_digest(net: Network) -> str:
    """SHA-256 of the network's layers in their canonical JSON form (meta data excluded)."""
    layers = net.to_json()["layers"]
    return hashlib.sha256(json.dumps(layers, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def verify(net: Network, data: Dataset, *, engine: str | None = None, keep: int = 10,
           progress: Progress | None = None) -> Certificate:
    """Evaluate ``net`` exactly on every input of ``data`` and compare with its outputs.

    ``keep`` bounds how many failures are listed (all are counted). ``engine`` is "flint",
    "python" or None (flint when installed). ``progress(done, total)`` is called after each
    layer. Raises ``ValueError`` when the network's input or output size does not fit the data.
    """
    if net.input_dim != data.dim:
        raise ValueError(f"network takes {net.input_dim} inputs but the data has {data.dim} input columns")
    if net.output_dim != data.outputs:
        raise ValueError(f"network gives {net.output_dim} outputs but the data has {data.outputs} output columns")
    engine = engine or ("flint" if HAVE_FLINT else "python")
    outputs = evaluate_all(net, data.X, engine=engine, progress=progress)
    failures, failed, worst = [], 0, Fraction(0)
    for n, (got, want) in enumerate(zip(outputs, data.Y)):
        expected = tuple(Fraction(int(w.numerator), int(w.denominator)) for w in want)
        if got != expected:
            failed += 1
            diff = tuple(g - e for g, e in zip(got, expected))
            worst = max(worst, max(abs(x) for x in diff))
            if len(failures) < keep:
                failures.append(Failure(n, expected, tuple(got), diff))
    return Certificate(
        exact=failed == 0,
        points=data.n,
        outputs=data.outputs,
        max_error=worst,
        failed=failed,
        failures=tuple(failures),
        network_sha256=network_digest(net),
        data_sha256=data.digest(),
        engine=engine,
    )


def evaluate_all(net: Network, X: Sequence[Sequence[Any]], *, engine: str = "python",
                 progress: Progress | None = None) -> list[tuple[Fraction, ...]]:
    """Exact outputs of ``net`` for every row of ``X`` (rationals), as Fractions."""
    if engine not in ("flint", "python"):
        raise ValueError(f"unknown engine {engine!r} (expected 'flint' or 'python')")
    if engine == "flint" and not HAVE_FLINT:
        raise ValueError("engine 'flint' needs python-flint, which is not installed")
    r = [math.lcm(*(int(v.denominator) for v in x)) for x in X]
    Hn = [[int(v.numerator) * (rn // int(v.denominator)) for v in x] for x, rn in zip(X, r)]
    c = [1] * len(Hn[0])
    matmul = _matmul_flint if engine == "flint" else _matmul_python
    for k, layer in enumerate(net.layers, start=1):
        Wn, c = _cleared_rows(layer.weights, layer.bias, c)
        P = matmul([h + [rn] for h, rn in zip(Hn, r)], Wn)
        Hn = [[v if v > 0 else 0 for v in row] for row in P] if layer.activation == "relu" else P
        if progress:
            progress(k, len(net.layers))
    return [tuple(Fraction(v, rn * co) for v, co in zip(row, c)) for row, rn in zip(Hn, r)]


def _cleared_rows(weights: Sequence[Sequence[Any]], bias: Sequence[Any],
                  c: list[int]) -> tuple[list[list[int]], list[int]]:
    """Integer rows ``D_o * [W[o, i] / c_i ..., bias_o]`` and the row denominators ``D_o``."""
    rows, dens = [], []
    for wrow, b in zip(weights, bias):
        fr = [Fraction(int(w.numerator), int(w.denominator) * ci) for w, ci in zip(wrow, c)]
        fr.append(Fraction(int(b.numerator), int(b.denominator)))
        D = math.lcm(*(f.denominator for f in fr))
        rows.append([f.numerator * (D // f.denominator) for f in fr])
        dens.append(D)
    return rows, dens


def _matmul_flint(A: list[list[int]], Wn: list[list[int]]) -> list[list[int]]:
    """A @ Wn^T with FLINT's exact integer matrix product."""
    P = flint.fmpz_mat(A) * flint.fmpz_mat(Wn).transpose()
    return [[int(v) for v in row] for row in P.tolist()]


def _matmul_python(A: list[list[int]], Wn: list[list[int]]) -> list[list[int]]:
    """A @ Wn^T in plain Python integers."""
    return [[sum(a * w for a, w in zip(arow, wrow)) for wrow in Wn] for arow in A]
