"""exactnet export: round a network to float or fixed point, measure the error, write a file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer

from exactnet.data.labels import read_for
from exactnet.export import ExportReport, PrecisionReport, export_network, min_precision
from exactnet.export.api import check_request
from exactnet.export.dtypes import check_tolerance
from exactnet.network import Network

from .common import EXIT_CHECK_FAILED, fail, out, table, user_errors


def export(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write."),
    dtype: str = typer.Option("float64", "--dtype", help="float64, float32, float16, bfloat16, int64 (exact where "
                                                         "the int64 certificate holds; needs --data), fixed:Qm.n, "
                                                         "fixed:auto16 or fixed:auto32."),
    fmt: str | None = typer.Option(None, "--format", help="npz, onnx, c or json (default: from the file suffix)."),
    data: Path | None = typer.Option(None, "--data", help="Data file to measure the error on."),
    tolerance: float | None = typer.Option(None, "--tolerance", help="Largest acceptable max error (needs --data)."),
    precision: bool = typer.Option(False, "--min-precision", help="Find the smallest float and fixed-point "
                                                                   "precision within --tolerance on --data."),
) -> None:
    """Write NETWORK rounded to --dtype in --format, with the error measured on --data.

    Exit 1 when the max error exceeds --tolerance (no file is written); exit 2 for bad input.
    """
    with user_errors():
        if precision:
            check_tolerance(tolerance, positive=True)
            if data is None or tolerance is None:
                fail("--min-precision needs --data and --tolerance")
            net = Network.load(network)
            report = min_precision(net, read_for(net, data, str(network)), tolerance)
            out.print(table("minimal precision", _precision_rows(report)))
            if report.float_bits is None and report.fixed is None:
                raise typer.Exit(EXIT_CHECK_FAILED)
            return
        if output is None:
            fail("give the file to write with -o/--output")
        dt, fmt_name = check_request(output, dtype, fmt, tolerance, data is not None,
                                     [network, *([data] if data is not None else [])])
        net = Network.load(network)
        dataset = read_for(net, data, str(network)) if data is not None else None
        report = export_network(net, output, dt, fmt_name, data=dataset, tolerance=tolerance)
    out.print(table(f"export {report.dtype} -> {report.format}", _report_rows(report)))
    if not report.written:
        fail(f"max error {_num(report.max_error)} exceeds --tolerance {tolerance:g}; no file written",
             EXIT_CHECK_FAILED)


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if x == math.inf:
        return "inf (overflow)"
    try:
        return f"{float(x):.6g}"
    except OverflowError:
        return f"about 2^{int(x).bit_length()}"


def _report_rows(r: ExportReport) -> list[tuple[str, str]]:
    rows = [("dtype", r.dtype), *(("note", n) for n in r.notes)]
    if r.weights_overflowed:
        rows.append(("weights overflowed", f"{r.weights_overflowed:,} (to infinity)"))
    for s in (r.rounding, r.arithmetic, r.runtime):
        if s is None:
            continue
        rows.append((s.label, "max " + ", ".join(map(_num, s.max_error)) + "; mean "
                     + ", ".join(map(_num, s.mean_error)) + (f"; {s.nonfinite:,} non-finite" if s.nonfinite else "")))
        if s.class_changes is not None:
            rows.append(("  class changes", f"{s.class_changes:,} of {r.points:,} points"))
    if r.arithmetic is not None:
        rows.append(("worst points", ", ".join(f"#{i}: {_num(e)}" for i, e in r.arithmetic.worst)))
        rows.append(("points", f"{r.points:,}"))
        kind = "saturations" if r.fixed is not None else "non-finite values"
        if r.dtype != "int64":  # the int64 certificate rules out overflow
            extra = f" (+{r.input_saturations:,} inputs)" if r.input_saturations else ""
            rows.append((kind, f"{r.overflows:,}{extra}"))
    if r.bound is not None:
        rows.append(("a-priori bound", ", ".join(map(_num, r.bound))))
    if r.tolerance is not None:
        rows.append(("tolerance", f"{r.tolerance:g}: " + ("met" if r.within_tolerance else "EXCEEDED")))
    rows.append(("file", f"{r.path} written" if r.written else "not written"))
    return rows


def _precision_rows(r: PrecisionReport) -> list[tuple[str, str]]:
    if r.float_bits is None:
        fl = "none up to the search limit"
    else:
        verdict = "float64 (53) suffices" if r.float64_enough else f"{r.float_bits - 53} bits more than float64"
        fl = f"{r.float_bits} bits ({verdict}); max error {_num(r.float_error)}"
    fx = "none up to the search limit" if r.fixed is None else (
        f"Q{r.fixed.int_bits}.{r.fixed.frac_bits} ({r.fixed.total_bits} bits); max error {_num(r.fixed_error)}")
    return [("tolerance", f"{r.tolerance:g}"), ("float significand", fl), ("fixed point", fx)]
