"""exactnet plan: architectures for N points, or what a budget of B neurons memorizes."""

from __future__ import annotations

from pathlib import Path

import typer

from exactnet.analysis.plan import plan_budget, plan_points

from .common import fail, user_errors
from .report_view import check_format, save_plot, show


def plan(
    points: int | None = typer.Option(None, "--points", "-n", help="Plan for N points."),
    neurons: int | None = typer.Option(None, "--neurons", "-b", help="Budget of B hidden neurons."),
    outputs: int = typer.Option(1, "--outputs", "-m", help="Number of outputs M."),
    dim: int | None = typer.Option(None, "--dim", "-d", help="Input dimension D (parameter counts, bit predictions);"
                                                             " default 1, and 5 (the seed's shape) with --exact-in."),
    alternatives: int = typer.Option(4, "--alternatives", help="Alternatives after the smallest."),
    no_bits: bool = typer.Option(False, "--no-bits", help="Skip the bit-size prediction (no builds)."),
    output_format: str = typer.Option("table", "--output-format", "-f", help="table, csv or json."),
    plot: Path | None = typer.Option(None, "--plot", help="Also save a PNG of capacity versus neurons."),
    exact_in: str | None = typer.Option(
        None, "--exact-in", help="float64, int64, float32, float16 or bfloat16: Theorem 3, the dyadic and the "
                                 "bucketed construction side by side, with the bit span that decides exactness."),
) -> None:
    """Exact memorization capacities of one and two hidden layers.

    --points N: a table of architectures that memorize N points; --neurons B: every split of B
    hidden neurons over one and two hidden layers with the points it memorizes.

    --points N --exact-in float64: what exactness in float64 costs in neurons (span measured on seed-shaped data up to 20,000 points, predicted above).
    """  # noqa: E501 (typer shows each paragraph as one line)
    fmt = check_format(output_format)
    if (points is None) == (neurons is None):
        fail("give exactly one of --points N or --neurons B")
    if alternatives < 0:
        fail(f"--alternatives must be at least 0, got {alternatives}")
    if exact_in is not None and points is None:
        fail("--exact-in plans for --points N")
    with user_errors():
        if exact_in is not None:
            from exactnet.analysis.plan_exact import plan_exact_in

            assert points is not None
            show([plan_exact_in(points, outputs, 5 if dim is None else dim, exact_in)], fmt)
            return
        d = 1 if dim is None else dim
        if points is not None:
            report = plan_points(points, outputs, d, alternatives, predict_bits=not no_bits)
        else:
            assert neurons is not None
            report = plan_budget(neurons, outputs, d)
        png = None
        if plot is not None:
            from exactnet.analysis.plot import plan_figure

            png = plan_figure(report, outputs)
        show([report], fmt)
        if plot is not None and png is not None:
            save_plot(plot, png)
