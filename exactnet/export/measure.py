"""The error report: how far a rounded network's outputs are from the data's exact outputs.

On every data point it measures (a) ``rounding``: the rounded weights evaluated exactly, and (b)
``arithmetic``: the target arithmetic itself (numpy in the float dtype, or the integer-only
fixed-point emulation that the C code follows bit for bit; see ``emulate``). Errors are exact
differences between the computed binary/fixed values and the exact outputs; an infinite or NaN
output counts as an infinite error. For float types the report carries the a-priori ``bound``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from exactnet.data.dataset import Dataset
from exactnet.data.labels import argmax, stored
from exactnet.export import int64
from exactnet.export.bound import float_bound
from exactnet.export.dtypes import (
    AutoFixed,
    DType,
    ExactInt64,
    ExportError,
    FixedType,
    FloatType,
    round_float,
    to_numpy,
)
from exactnet.export.emulate import fixed_forward, float_forward
from exactnet.export.rounding import RoundedNetwork, integer_bits, quantize_inputs, round_network
from exactnet.network import Network
from exactnet.rational import Q, to_rational
from exactnet.verifier import span
from exactnet.verifier.dyadic import arithmetic
from exactnet.verifier.general import evaluate_all, preactivations

WORST = 5
INF = math.inf


@dataclass(frozen=True)
class ErrorStats:
    """Absolute errors of one way of computing the outputs. ``max_error`` per output is exact (a
    rational) or ``math.inf``; ``worst`` lists (data index, error) for the worst points."""

    label: str
    max_error: tuple[Any, ...]
    mean_error: tuple[float, ...]
    worst: tuple[tuple[int, float], ...]
    nonfinite: int
    class_changes: int | None = None

    @property
    def overall(self) -> Any:
        return max(self.max_error)


@dataclass(frozen=True)
class ExportReport:
    """Everything measured for one (network, dtype) pair; errors are None without data."""

    dtype: str
    points: int
    outputs: int
    weights_overflowed: int
    input_saturations: int = 0
    overflows: int = 0  # float: non-finite pre-activations; fixed: saturations
    rounding: ErrorStats | None = None
    arithmetic: ErrorStats | None = None
    runtime: ErrorStats | None = None  # the written file run by its own runtime (onnxruntime)
    bound: tuple[Any, ...] | None = None  # per output, max over the data; float types only
    fixed: FixedType | None = None
    tolerance: float | None = None
    path: str | None = None
    format: str | None = None
    written: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def max_error(self) -> Any:
        """The largest measured error of the target arithmetic (the emulation or the runtime)."""
        found = [s.overall for s in (self.arithmetic, self.runtime) if s is not None]
        return max(found) if found else None

    @property
    def within_tolerance(self) -> bool:
        """True without a tolerance; else max_error <= tolerance (exactly)."""
        if self.tolerance is None or self.max_error is None:
            return True
        return self.max_error != INF and Q(self.max_error) <= Q(self.tolerance)


def classes(net: Network) -> list[Any] | None:
    """The class order of a network built from labels (``labels.stored``, which checks the
    meta data), else None."""
    labels = stored(net)
    return list(labels[1]) if labels else None


def predicted(outputs: Sequence[Sequence[Any]], labels: list[Any]) -> list[int | None]:
    """Class index per point: ``labels.argmax`` for several outputs (one-hot; None for a tie,
    which is no class), the nearest index in 0 .. classes-1 for one output (scalar encoding)."""
    if len(outputs[0]) > 1:
        return [argmax(o) for o in outputs]
    top = len(labels) - 1
    return [min(max(int(round(float(o[0]))), 0), top) for o in outputs]


def error_stats(label: str, got: Sequence[Sequence[Any]], Y: Sequence[Sequence[Any]],
                labels: list[Any] | None = None) -> ErrorStats:
    """Exact absolute errors of ``got`` (floats, ints already scaled, or rationals) against ``Y``."""
    errs: list[list[Any]] = []
    nonfinite = 0
    for g, y in zip(got, Y):
        row = []
        for gv, yv in zip(g, y):
            if isinstance(gv, float) and not math.isfinite(gv):
                nonfinite += 1
                row.append(INF)
            else:
                row.append(abs(to_rational(gv) - Q(yv)))
        errs.append(row)
    m = len(Y[0])
    max_error = tuple(max(r[j] for r in errs) for j in range(m))
    mean = tuple(sum(float(r[j]) for r in errs) / len(errs) for j in range(m))
    per_point = [max(r) for r in errs]
    worst = sorted(range(len(errs)), key=lambda n: per_point[n], reverse=True)[:WORST]
    changes = None
    if labels is not None and nonfinite == 0:
        changes = sum(a != b for a, b in zip(predicted([[to_rational(v) for v in g] for g in got], labels),
                                             predicted(Y, labels)))
    return ErrorStats(label, max_error, mean, tuple((n, float(per_point[n])) for n in worst), nonfinite, changes)


def resolve_fixed(net: Network, dtype: FixedType | AutoFixed,
                  pre: Sequence[Sequence[Sequence[Any]]] | None = None,
                  data: Dataset | None = None) -> FixedType:
    """``dtype`` itself, or for ``fixed:autoB`` the Qm.n with m the integer bits of the largest
    magnitude among weights, biases and (with data) inputs, outputs and every pre-activation;
    m is capped at B (larger intermediates saturate). Raises ``ExportError`` when a weight alone
    needs more than B integer bits, naming it."""
    if isinstance(dtype, FixedType):
        return dtype
    B = dtype.total_bits
    where, biggest = "", Q(-1)
    for k, layer in enumerate(net.layers, start=1):
        for i, row in enumerate(layer.weights):
            for j, w in enumerate(row):
                if abs(w) > biggest:
                    where, biggest = f"layer {k} weight [{i}][{j}]", abs(w)
        for i, v in enumerate(layer.bias):
            if abs(v) > biggest:
                where, biggest = f"layer {k} bias [{i}]", abs(v)
    m = integer_bits(biggest)
    if m > B:
        raise ExportError(f"{dtype.name} cannot hold {where} = {float(biggest):.6g} (needs {m} integer bits)")
    values = [v for layer in pre or () for row in layer for v in row]
    if data is not None:
        values += [v for x in data.X for v in x] + [v for y in data.Y for v in y]
    if values:
        m = max(m, integer_bits(max(abs(to_rational(v)) for v in values)))
    while True:
        fx = FixedType(min(m, B), B - min(m, B))
        try:
            round_network(net, fx)
            return fx
        except ExportError:
            if m >= B:
                raise
            m += 1


def measure(net: Network, dtype: DType, data: Dataset | None = None, *,
            with_bound: bool = True) -> tuple[ExportReport, RoundedNetwork]:
    """Round ``net`` to ``dtype`` and, with data, measure it (see the module docstring).

    Returns the report and the rounded network. Raises ``ExportError`` for a fixed format that
    cannot hold a weight, ``DataError`` when the data's shape does not fit the network
    (``Dataset.check_fits``)."""
    if data is not None:
        data.check_fits(net.input_dim, net.output_dim)
    if isinstance(dtype, ExactInt64):
        return _measure_int64(net, data)
    if isinstance(dtype, (FixedType, AutoFixed)):
        pre = preactivations(net, data.X) if data is not None and isinstance(dtype, AutoFixed) else None
        fx = resolve_fixed(net, dtype, pre, data)
        rounded = round_network(net, fx)
        if data is None:
            return ExportReport(fx.name, 0, net.output_dim, 0, fixed=fx), rounded
        return _measure_fixed(net, rounded, fx, data, dtype), rounded
    rounded = round_network(net, dtype)
    notes, proven = _weight_notes(net, rounded, data)
    if data is None:
        return ExportReport(dtype.name, 0, net.output_dim, rounded.overflowed, notes=notes), rounded
    report = _measure_float(net, rounded, dtype, data, with_bound and not proven)
    if proven:  # unrounded weights and the format's certificate: the error is 0, no estimate needed
        report = dataclasses.replace(report, bound=(Q(0),) * data.outputs)
    return dataclasses.replace(report, notes=report.notes + notes), rounded


def changed_numbers(net: Network, rounded: RoundedNetwork) -> int:
    """How many weights and biases the rounding changed (overflowed ones included)."""
    if rounded.exact is None:
        return max(rounded.overflowed, 1)
    return sum(1 for a, b in zip(net.layers, rounded.exact.layers) for u, v in zip(a.numbers(), b.numbers()) if u != v)


def _weight_notes(net: Network, rounded: RoundedNetwork, data: Dataset | None) -> tuple[tuple[str, ...], bool]:
    """Whether every weight survived the rounding unchanged, and with data, the certificate of
    the float format (binary64, binary32, binary16, bfloat16); and whether together they prove
    the evaluation in that format exact."""
    changed = changed_numbers(net, rounded)
    total = net.parameter_count()
    name = rounded.dtype.name
    notes = [f"weights exact in {name}: every weight and bias is a {name} number" if not changed else
             f"weights rounded to {name}: {changed:,} of {total:,} weights and biases changed"]
    proven = False
    if data is not None:
        target = span.target_name(name)
        found = arithmetic(net, data.X)
        notes.append(f"{target} certificate on the data ({name} evaluation exact in any order): "
                     f"{found.summary(target)}")
        proven = found.holds(target) and not changed
    return tuple(notes), proven


def _measure_int64(net: Network, data: Dataset | None) -> tuple[ExportReport, Any]:
    if data is None:
        raise ExportError("dtype int64 needs `data`: its grids and its certificate come from the data")
    form = int64.build(net, data)
    labels = classes(net)
    got = int64.outputs(form, data)
    notes = ("weights exact in int64: every weight and bias stored unrounded at the certificate's grids",
             f"int64 certificate on the data: {form.arithmetic.summary('int64')}")
    exact = error_stats("stored weights, exact arithmetic", evaluate_all(net, data.X), data.Y, labels)
    return ExportReport("int64", data.n, data.outputs, 0, rounding=exact,
                        arithmetic=error_stats("int64 evaluation (numpy, as the C code)", got, data.Y, labels),
                        notes=notes), form


def _rounding_stats(rounded: RoundedNetwork, data: Dataset, labels: list[Any] | None) -> ErrorStats:
    if rounded.exact is None:
        m = data.outputs
        return ErrorStats("rounded weights, exact arithmetic", (INF,) * m, (INF,) * m, (), data.n * m)
    got = evaluate_all(rounded.exact, data.X)
    return error_stats("rounded weights, exact arithmetic", got, data.Y, labels)


def _measure_float(net: Network, rounded: RoundedNetwork, ft: FloatType, data: Dataset,
                   with_bound: bool) -> ExportReport:
    labels = classes(net)
    X = to_numpy([[round_float(v, ft) for v in x] for x in data.X], ft)
    out, overflows = float_forward(rounded.arrays, X, rounded.activations)
    got = out.astype(np.float64).tolist()
    arithmetic = error_stats(f"numpy {ft.name}", got, data.Y, labels)
    bound = None
    if with_bound:
        b = float_bound(net, ft, data.X, preactivations(net, data.X))
        bound = tuple(max(b[:, j]) for j in range(b.shape[1]))
    return ExportReport(ft.name, data.n, data.outputs, rounded.overflowed,
                        overflows=overflows + int(np.count_nonzero(~np.isfinite(X.astype(np.float64)))),
                        rounding=_rounding_stats(rounded, data, labels), arithmetic=arithmetic, bound=bound)


def _measure_fixed(net: Network, rounded: RoundedNetwork, fx: FixedType, data: Dataset,
                   asked: FixedType | AutoFixed) -> ExportReport:
    labels = classes(net)
    Xq, saturated = quantize_inputs(data.X, fx)
    out, saturations = fixed_forward(rounded.arrays, Xq, fx, rounded.activations)
    scale = Q(1, 1 << fx.frac_bits)
    got = [[Q(int(v)) * scale for v in row] for row in out]
    arithmetic = error_stats(f"fixed-point {fx.name} emulation", got, data.Y, labels)
    notes = (f"{asked.name} resolved to {fx.name}",) if isinstance(asked, AutoFixed) else ()
    return ExportReport(fx.name, data.n, data.outputs, 0, input_saturations=saturated, overflows=saturations,
                        rounding=_rounding_stats(rounded, data, labels), arithmetic=arithmetic, fixed=fx,
                        notes=notes)
