"""Exact evaluation of a dyadic network on its data, and its bit-span certificate (``span``).

Four paths compute the same integers, the outputs in units of ``2^-G_L``:

* ``float32`` and ``float64``: when every weight, bias and input is a number of the format,
  each block of points runs through numpy's matrix products in it, and each layer's bound is
  checked against ``2^(precision - G_l)`` first (``span.float_layer``). Where it holds, nothing
  was rounded: the result is a proof. A block where it fails sends every block to the next path.
* ``prefix``: when every first-layer row is a multiple of one row, layers 1 and 2 by prefix
  sums over the sorted knots (``prefix``: O(a2) per point instead of O(a1 a2)), the rest as in
  ``integer``.
* ``integer``: the int64 form of the network (``span.integer_layers``) on the inputs scaled to
  integers. A layer runs in numpy int64 when a float64 estimate of its bound is below 2^62
  (the estimate's relative error is far below 2, so no partial sum can overflow); otherwise in
  FLINT's exact integer matrices.

Each records every layer's bound, so the spans and every format's verdict come out of the same
pass. This module imports nothing from ``exactnet.construct``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any

import flint
import numpy as np

from exactnet.data.integer_rows import IntegerRows
from exactnet.network import Network
from exactnet.progress import Progress
from exactnet.rational import Q
from exactnet.verifier import span
from exactnet.verifier.blocks import run_blocks
from exactnet.verifier.outputs import Outputs
from exactnet.verifier.prefix import SAFE, PrefixForm, prefix_form, second_layer

DTYPES = {"binary64": np.float64, "binary32": np.float32}  # the formats numpy's matrix products run in

BLOCK = 4096  # points per block (a block's activations live together)


class Dyadic:
    """A dyadic network on its inputs, with what every path needs computed once: the grids
    (``span.grids``), the int64 form (``span.integer_layers``), the first number that is not a
    binary64 number (``reason``) and the prefix-sum tables (``form``, None when some first-layer
    row is not a multiple of one row).

    Blocks run by ``blocks.run_blocks``: here, in ``jobs`` worker processes, or one task each on
    the dask cluster of ``client`` (the network's form is sent to every worker once); the
    certificate is the same every way. Inputs as ``IntegerRows`` are sent in their own dtype."""

    def __init__(self, net: Network, X: Sequence[Sequence[Any]], g: span.Grids, *, jobs: int = 1,
                 client: Any = None) -> None:
        self.net, self.X, self.g, self.jobs, self.client = net, X, g, jobs, client

    @cached_property
    def unrepresentable(self) -> dict[str, str]:
        return span.not_representable(self.net, self.X)

    @property
    def reason(self) -> str:
        return self.unrepresentable.get("binary64", "")

    @cached_property
    def ints(self) -> list[tuple[list[list[int]], list[int]]]:
        return span.integer_layers(self.net, self.g)

    @cached_property
    def form(self) -> PrefixForm | None:
        return prefix_form(self.ints)

    def floats(self, fmt: str = "binary64",
               progress: Progress | None = None) -> tuple[span.Arithmetic, list[Outputs]] | None:
        """The certificate and exact outputs by matrix products in the float format ``fmt``
        ("binary64": float64, "binary32": float32), or None when some block's bound is not
        certified (or some number is not one of the format's)."""
        if fmt in self.unrepresentable:
            return None
        dtype = DTYPES[fmt]
        layers = [(_floats(L.weights).astype(dtype), _floats([L.bias])[0].astype(dtype), L.activation == "relu")
                  for L in self.net.layers]
        parts = self._run(float_block, (layers, self.g, fmt), progress, stop_on_none=True)
        if parts is None:
            return None
        return self._combined([p[0] for p in parts]), [p[1] for p in parts]

    def integers(self, prefix: bool, progress: Progress | None = None) -> tuple[span.Arithmetic, list[Outputs]]:
        """The certificate and exact outputs by the int64 form (layers 1 and 2 by prefix sums
        when ``prefix`` and ``form`` allow)."""
        parts = self._run(integer_block, (self.ints, self.form if prefix else None, self.g), progress) or []
        bounds = [[Q(b) / Q(2) ** G for b, G in zip(p[0], self.g.layers)] for p in parts]  # grid units to values
        return self._combined(bounds), [p[1] for p in parts]

    def arithmetic(self) -> span.Arithmetic:
        """The certificate alone (float64 where it holds, else the integer paths)."""
        return (self.floats() or self.integers(prefix=True))[0]

    def _run(self, fn: Callable[[Any, Any], Any], shared: Any, progress: Progress | None,
             stop_on_none: bool = False) -> list[Any] | None:
        return run_blocks(fn, shared, _raw_blocks(self.X), points=len, total=len(self.X), progress=progress,
                          jobs=self.jobs, client=self.client, stop_on_none=stop_on_none)

    def _combined(self, bounds: list[list[Any]]) -> span.Arithmetic:
        """The verdict from the blocks' bounds (values, not grid units): the largest per layer."""
        worst = [max(b[k] for b in bounds) if bounds else 0 for k in range(len(self.g.layers))]
        spans = [span.span_of(b, G) for b, G in zip(worst, self.g.layers)]
        return span.verdict(spans, self.g, self.ints, self.unrepresentable)


def arithmetic(net: Network, X: Sequence[Sequence[Any]], client: Any = None, jobs: int = 1) -> span.Arithmetic:
    """Where ``net`` is exact on inputs ``X`` besides the rationals, or the not-dyadic verdict
    naming the first number that is not dyadic."""
    g, why = span.grids(net, X)
    return span.Arithmetic.not_dyadic(why) if g is None else Dyadic(net, X, g, jobs=jobs, client=client).arithmetic()


def _raw_blocks(X: Sequence[Sequence[Any]]) -> Iterator[Any]:
    """The inputs in blocks of ``BLOCK`` points: integer arrays (views) for ``IntegerRows``, else
    lists of rational rows."""
    for s in range(0, len(X), BLOCK):
        yield X.array[s:s + BLOCK] if isinstance(X, IntegerRows) else list(X[s:s + BLOCK])


def float_block(shared: Any, rows: Any) -> tuple[list[float], Outputs] | None:
    """One block of inputs (``_raw_blocks``) through the network in the float format of
    ``shared``: the layers' bounds and the exact outputs, or None when some layer's bound is not
    certified on the block."""
    layers, g, fmt = shared
    A = _floats(rows).astype(DTYPES[fmt])
    bounds = []
    for k, (W, b, relu) in enumerate(layers):
        step = span.float_layer(A, W, b, g.layers[k], relu, fmt)
        if step is None:
            return None
        A, worst = step
        bounds.append(worst)
    scaled = np.ldexp(A.astype(np.float64), g.layers[-1])  # integers below 2^53: exact
    return bounds, Outputs.dyadic(scaled.astype(np.int64).tolist(), g.layers[-1], scaled.shape[1])


def _floats(rows: Any) -> np.ndarray:
    """Binary64 numbers as a float64 array (exact: int / int division rounds correctly; an
    integer array's values are binary64 numbers, so the conversion is exact too)."""
    if isinstance(rows, np.ndarray):
        return rows.astype(np.float64)
    return np.array([[int(v.numerator) / int(v.denominator) for v in row] for row in rows], dtype=np.float64)


def integer_block(shared: Any, rows: Any) -> tuple[list[int], Outputs]:
    """One block of inputs (``_raw_blocks``) through the int64 form, on the input grid: each
    layer's largest bound in grid units, and the exact outputs."""
    ints, form, g = shared
    A = IntegerRows(rows).scaled(g.inputs) if isinstance(rows, np.ndarray) else \
        [[span.scaled(v, g.inputs) for v in x] for x in rows]
    prepared = _prepared(ints)
    bounds = [0] * len(ints)
    first = 0
    if form is not None:  # layers 1 and 2 at once, by prefix sums
        A, bounds[0], bounds[1], _ = second_layer(form, A, relu=len(prepared) > 2)
        first = 2
    for k in range(first, len(prepared)):
        A, bounds[k] = prepared[k].apply(A, relu=k < len(prepared) - 1)
    values = A.tolist() if isinstance(A, np.ndarray) else A
    return bounds, Outputs.dyadic(values, g.layers[-1], len(ints[-1][1]))


_PREPARED: list[Any] = [None, None]  # (the int64 form, its layers): held, so never mistaken for another


def _prepared(ints: list[tuple[list[list[int]], list[int]]]) -> list[Any]:
    """The layers as ``_Layer`` objects, made once per form in each process."""
    if _PREPARED[0] is not ints:
        _PREPARED[:] = [ints, [_Layer(W, b) for W, b in ints]]
    return _PREPARED[1]


class _Layer:
    """One integer layer, in int64 numpy arrays and FLINT matrices (each made on first use)."""

    def __init__(self, W: list[list[int]], b: list[int]) -> None:
        self.W, self.b = W, b
        self.Wf = np.array(W, dtype=np.float64)
        self.bf = np.array(b, dtype=np.float64)
        self._i64: tuple[np.ndarray, np.ndarray] | None = None
        self._flint: tuple[Any, Any] | None = None
        self.fits64 = all(abs(v) < SAFE for row in W for v in row) and all(abs(v) < SAFE for v in b)

    def apply(self, A: Any, relu: bool) -> tuple[Any, int]:
        """The layer on the integer activations ``A`` (rows: points): its output and the
        exact largest ``sum |W||a| + |b|`` over the rows."""
        if isinstance(A, np.ndarray) and A.dtype == object:
            A = A.tolist()
        if self.fits64 and (isinstance(A, np.ndarray) or _small(A)):
            Ai = np.asarray(A, dtype=np.int64)
            estimate = np.abs(Ai.astype(np.float64)) @ np.abs(self.Wf).T + np.abs(self.bf)
            if estimate.size == 0 or float(estimate.max()) < SAFE:
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
    return all(abs(v) < SAFE for row in A for v in row)
