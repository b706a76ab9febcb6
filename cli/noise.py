"""exactnet noise: the sum-of-squares size measure on Gaussian noise."""

from __future__ import annotations

from pathlib import Path

import typer

from exactnet.analysis import noise as noise_measure

from .common import user_errors
from .report_view import check_format, save_plot, show


def noise(
    points: list[int] = typer.Option(..., "--points", "-n", help="N noise points (repeat for several N)."),
    dim: int = typer.Option(3, "--dim", "-d", help="Input dimension D."),
    seed: int = typer.Option(0, "--seed", help="Seed for the noise and the projection."),
    decimals: int = typer.Option(3, "--decimals", help="Noise values rounded to this many decimals (exact)."),
    one_layer: bool = typer.Option(True, "--one-layer/--no-one-layer",
                                   help=f"Also one hidden layer (N <= {noise_measure.ONE_LAYER_LIMIT})."),
    output_format: str = typer.Option("table", "--output-format", "-f", help="table, csv or json."),
    plot: Path | None = typer.Option(None, "--plot", help="Also save a PNG of sums of squares and neurons versus N."),
) -> None:
    """Memorize N Gaussian-noise points exactly and compare sums of squares.

    The sum of squares of the network's outputs on the training inputs is set beside the data's
    own: equal for a perfect fit.
    """
    fmt = check_format(output_format)
    with user_errors():
        report = noise_measure.report(sorted(set(points)), dim, seed, decimals, one_layer)
        png = None
        if plot is not None:
            from exactnet.analysis.plot import noise_figure

            png = noise_figure(report)
        show([report], fmt)
        if plot is not None and png is not None:
            save_plot(plot, png)
