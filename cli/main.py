"""The ``exactnet`` command: one typer application, one module per command."""

from __future__ import annotations

import typer

from .approx import approx
from .build import build
from .demo import demo
from .engines import engines
from .export import export
from .inspect import inspect
from .noise import noise
from .output_range import range_
from .plan import plan
from .score import score
from .verify import verify
from .vnnlib import vnnlib

app = typer.Typer(
    name="exactnet",
    help="Build ReLU networks that memorize data exactly, verify them exactly, inspect them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: ".[dask]" is not a markup tag
)
app.command()(demo)
app.command()(build)
app.command()(verify)
app.command()(inspect)
app.command()(export)
app.command()(plan)
app.command()(noise)
app.command()(approx)
app.command(name="range")(range_)
app.command()(vnnlib)
app.command()(score)
app.command()(engines)

if __name__ == "__main__":  # pragma: no cover
    app()
