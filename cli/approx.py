"""exactnet approx: size and build a piecewise-linear network for f on [A, B] with error eps."""

from __future__ import annotations

from pathlib import Path

import typer

from exactnet.analysis.approx import MAX_PIECES, RULES, approximate
from exactnet.analysis.approx_report import report
from exactnet.files import write_atomic
from exactnet.rational import to_text

from .common import EXIT_CHECK_FAILED, fail, user_errors
from .report_view import check_format, show


def approx(
    expr: str = typer.Argument(..., help='f(x), e.g. "tanh(2*x)": numbers, x, + - * / ^, exp tanh sin cos log sqrt.'),
    interval: tuple[str, str] = typer.Option(..., "--interval", help="A B: the interval (exact: 0.1, 1/3, -2)."),
    eps: str = typer.Option(..., "--eps", help="Target max error (exact: 1e-3, 0.001)."),
    rule: str = typer.Option("seed", "--rule", help=f"Step rule: {' or '.join(RULES)} (M h^2/2 or M h^2/8 <= eps)."),
    per_piece: int = typer.Option(8, "--grid", help="Measurement grid points per piece."),
    max_pieces: int = typer.Option(MAX_PIECES, "--max-pieces", help="Refuse to build more pieces than this."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Save the network (JSON)."),
    nodes: Path | None = typer.Option(None, "--nodes", help="Save the nodes and rounded values (CSV x,y)."),
    output_format: str = typer.Option("table", "--output-format", "-f", help="table, csv or json."),
) -> None:
    """Size a one-variable function's ReLU interpolant from its second derivative.

    M = max |f''| by interval arithmetic, pieces from h <= sqrt(2 eps / M), an exact
    one-hidden-layer interpolant, and its error measured on a dense grid.
    """
    fmt = check_format(output_format)
    with user_errors():
        ap = approximate(expr, interval[0], interval[1], eps, rule, per_piece, max_pieces)
        if output is not None:
            ap.network.save(output)
        if nodes is not None:
            write_atomic(nodes, "x,y\n" + "".join(f"{to_text(x)},{to_text(y)}\n" for x, y in zip(ap.nodes, ap.values)))
    show([report(ap)], fmt)
    if not ap.verified:
        fail("the network is not exact at the nodes", EXIT_CHECK_FAILED)
