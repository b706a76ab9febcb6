"""Exact evaluation of a dyadic network on its data, and its bit-span certificate (``span``).

Three paths compute the same integers, the outputs in units of ``2^-G_L``:

* ``float64``: when every weight, bias and input is a binary64 number, each block of points
  runs through numpy's float64 matrix products, and each layer's bound is checked against
  ``2^(53 - G_l)`` first (``span.float_layer``). Where it holds, nothing was rounded: the result
  is a proof. A block where it fails sends every block to the integer path.
* ``prefix``: when every first-layer row is a multiple of one row, layers 1 and 2 by prefix
  sums over the sorted knots (``verify_prefix``: O(a2) per point instead of O(a1 a2)), the rest
  as in ``integer``.
* ``integer``: the int64 form of the network (``span.integer_layers``) on the inputs scaled to
  integers. A layer runs in numpy int64 when a float64 estimate of its bound is below 2^62
  (the estimate's relative error is far below 2, so no partial sum can overflow); otherwise in
  FLINT's exact integer matrices.

Both record each layer's bound, so the spans and the binary64 / int64 verdicts come out of the
same pass. This module imports nothing from ``exactnet.construct``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import flint
import numpy as np

from exactnet import span
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.verify_prefix import PrefixForm, prefix_form, second_layer

BLOCK = 4096  # points per block (a block's activations live together)
SAFE_INT64 = float(2**62)


@dataclass(frozen=True)
class Outputs:
    """Exact outputs: ``values[k][o] / 2^scale`` for the k-th point of the run."""

    values: list[list[int]]
    scale: int


def evaluate(net: Network, X: Sequence[Sequence[Any]], g: span.Grids, *, use_float: bool = True,
             use_prefix: bool = True, progress: Callable[[int, int], None] | None = None
             ) -> tuple[span.Arithmetic, Iterator[Outputs], str]:
    """The certificate of ``net`` on ``X`` (grids ``g`` from ``span.grids``), the exact outputs
    block by block, and the path that produced them: "float64" where the binary64 certificate
    holds (``use_float``), else "prefix" when every first-layer row is a multiple of one row
    (``use_prefix``; ``verify_prefix``), else "integer".

    Every block is evaluated before this returns (the certificate needs all of them); the
    outputs are kept as machine integers where they fit. ``progress(done, total)`` counts points."""
    reason = span.not_binary64(net, X)
    ints = span.integer_layers(net, g)
    if use_float and not reason:
        done = _float_run(net, X, g, progress)
        if done is not None:
            bounds, blocks = done
            return _verdict(bounds, g, ints, reason), iter(blocks), "float64"
    form = prefix_form(ints) if use_prefix else None
    bounds, blocks = _integer_run(ints, X, g, progress, form)
    return _verdict(bounds, g, ints, reason), iter(blocks), "integer" if form is None else "prefix"


def _verdict(bounds: list[Any], g: span.Grids, ints: list[Any], reason: str) -> span.Arithmetic:
    spans = [span.span_of(b, G) for b, G in zip(bounds, g.layers)]
    return span.verdict(spans, g, ints, reason)


def _blocks(n: int) -> list[tuple[int, int]]:
    return [(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]


def _float_run(net: Network, X: Sequence[Sequence[Any]], g: span.Grids,
               progress: Callable[[int, int], None] | None) -> tuple[list[Any], list[Outputs]] | None:
    layers = [(_floats(layer.weights), _floats([layer.bias])[0], layer.activation == "relu") for layer in net.layers]
    bounds: list[Any] = [0.0] * len(layers)
    out = []
    for start, end in _blocks(len(X)):
        A = _floats(X[start:end])
        for k, (W, b, relu) in enumerate(layers):
            step = span.float_layer(A, W, b, g.layers[k], relu)
            if step is None:
                return None
            A, worst = step
            bounds[k] = max(bounds[k], worst)
        scaled = np.ldexp(A, g.layers[-1])  # integers below 2^53: exact
        out.append(Outputs(scaled.astype(np.int64).tolist(), g.layers[-1]))
        if progress:
            progress(end, len(X))
    return bounds, out


def _floats(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    """Binary64 numbers as a float64 array (exact: int / int division rounds correctly)."""
    return np.array([[int(v.numerator) / int(v.denominator) for v in row] for row in rows], dtype=np.float64)


def _integer_run(ints: list[tuple[list[list[int]], list[int]]], X: Sequence[Sequence[Any]], g: span.Grids,
                 progress: Callable[[int, int], None] | None, form: PrefixForm | None
                 ) -> tuple[list[Any], list[Outputs]]:
    bounds: list[Any] = [0] * len(ints)
    prepared = [_Layer(W, b) for W, b in ints]
    out = []
    for start, end in _blocks(len(X)):
        A: Any = [[_on_grid(v, g.inputs) for v in x] for x in X[start:end]]
        first = 0
        if form is not None:  # layers 1 and 2 at once, by prefix sums
            A, worst1, worst2, _ = second_layer(form, A, relu=len(prepared) > 2)
            bounds[0], bounds[1] = max(bounds[0], worst1), max(bounds[1], worst2)
            first = 2
        for k in range(first, len(prepared)):
            A, worst = prepared[k].apply(A, relu=k < len(prepared) - 1)
            bounds[k] = max(bounds[k], worst)
        out.append(Outputs(A.tolist() if isinstance(A, np.ndarray) else A, g.layers[-1]))
        if progress:
            progress(end, len(X))
    return [Q(b) / Q(2) ** G for b, G in zip(bounds, g.layers)], out  # from grid units to values


def _on_grid(v: Any, e: int) -> int:
    n, d = int(v.numerator), int(v.denominator)
    return (n << e) // d if e >= 0 else n // (d << -e)


class _Layer:
    """One integer layer, in int64 numpy arrays and FLINT matrices (each made on first use)."""

    def __init__(self, W: list[list[int]], b: list[int]) -> None:
        self.W, self.b = W, b
        self.Wf = np.array(W, dtype=np.float64)
        self.bf = np.array(b, dtype=np.float64)
        self._i64: tuple[np.ndarray, np.ndarray] | None = None
        self._flint: tuple[Any, Any] | None = None
        self.fits64 = all(abs(v) < 1 << 62 for row in W for v in row) and all(abs(v) < 1 << 62 for v in b)

    def apply(self, A: Any, relu: bool) -> tuple[Any, int]:
        """The layer on the integer activations ``A`` (rows: points): its output and the
        exact largest ``sum |W||a| + |b|`` over the rows."""
        if isinstance(A, np.ndarray) and A.dtype == object:
            A = A.tolist()
        if self.fits64 and (isinstance(A, np.ndarray) or _small(A)):
            Ai = np.asarray(A, dtype=np.int64)
            estimate = np.abs(Ai.astype(np.float64)) @ np.abs(self.Wf).T + np.abs(self.bf)
            if estimate.size == 0 or float(estimate.max()) < SAFE_INT64:
                W, b = self.int64()
                Z = Ai @ W.T + b
                bound = np.abs(Ai) @ np.abs(W).T + np.abs(b)
                return (np.maximum(Z, 0) if relu else Z), int(bound.max()) if bound.size else 0
        rows = A.tolist() if isinstance(A, np.ndarray) else A
        Wt, Wabs = self.flint()
        ones = [[*row, 1] for row in rows]
        Z = flint.fmpz_mat(ones) * Wt
        bound = flint.fmpz_mat([[abs(v) for v in row] for row in ones]) * Wabs
        worst = max((int(v) for v in bound.entries()), default=0)
        cols = Z.ncols()
        ents = [int(v) for v in Z.entries()]
        out = [ents[i:i + cols] for i in range(0, len(ents), cols)]
        if relu:
            out = [[v if v > 0 else 0 for v in row] for row in out]
        return out, worst

    def int64(self) -> tuple[np.ndarray, np.ndarray]:
        if self._i64 is None:
            self._i64 = np.array(self.W, dtype=np.int64), np.array(self.b, dtype=np.int64)
        return self._i64

    def flint(self) -> tuple[Any, Any]:
        if self._flint is None:
            full = [[*row, bias] for row, bias in zip(self.W, self.b)]
            absolute = [[abs(v) for v in row] for row in full]
            self._flint = flint.fmpz_mat(full).transpose(), flint.fmpz_mat(absolute).transpose()
        return self._flint


def _small(A: list[list[int]]) -> bool:
    return all(abs(v) < 1 << 62 for row in A for v in row)
