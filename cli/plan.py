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
    dim: int = typer.Option(1, "--dim", "-d", help="Input dimension D (parameter counts, bit predictions)."),
    alternatives: int = typer.Option(4, "--alternatives", help="Alternatives after the smallest."),
    no_bits: bool = typer.Option(False, "--no-bits", help="Skip the bit-size prediction (no builds)."),
    output_format: str = typer.Option("table", "--output-format", "-f", help="table, csv or json."),
    plot: Path | None = typer.Option(None, "--plot", help="Also save a PNG of capacity versus neurons."),
) -> None:
    """Exact memorization capacities of one and two hidden layers.

    --points N: a table of architectures that memorize N points; --neurons B: every split of B
    hidden neurons over one and two hidden layers with the points it memorizes.
    """
    fmt = check_format(output_format)
    if (points is None) == (neurons is None):
        fail("give exactly one of --points N or --neurons B")
    if alternatives < 0:
        fail(f"--alternatives must be at least 0, got {alternatives}")
    with user_errors():
        if points is not None:
            report = plan_points(points, outputs, dim, alternatives, predict_bits=not no_bits)
        else:
            assert neurons is not None
            report = plan_budget(neurons, outputs, dim)
        png = None
        if plot is not None:
            from exactnet.analysis.plot import plan_figure

            png = plan_figure(report, outputs)
        show([report], fmt)
        if plot is not None and png is not None:
            save_plot(plot, png)
