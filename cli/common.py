"""What every command shares: error handling (exit codes), consoles, progress, tables."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from exactnet.errors import ExactnetError
from exactnet.network import Network
from exactnet.verifier.span import TARGETS, Arithmetic

WIDE = 200  # table width when stdout is not a terminal (files, pipes): no squeezed or cut cells

out = Console(highlight=False, soft_wrap=True, emoji=False)  # ":x:" in a file name stays ":x:"
if not out.is_terminal:
    out.width = WIDE  # a saved certificate keeps its whole hashes
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr, then exit with ``code`` (2: bad usage or input)."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(code)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's input errors (and unreadable files) into one line and exit code 2."""
    try:
        yield
    except (ExactnetError, OSError) as e:
        fail(as_flags(str(e)))


FLAGS = {"fmt": "--format", "output": "--output-index", "data": "--data"}  # the rest: --name-with-dashes


def as_flags(message: str) -> str:
    """A library message with its parameters (written `name`) as this command line's flags."""
    return re.sub(r"`(\w+)`", lambda m: FLAGS.get(m.group(1), "--" + m.group(1).replace("_", "-")), message)


@contextlib.contextmanager
def progress(description: str, total: int, quiet: bool) -> Iterator[Progress]:
    """A transient rich progress bar on stderr (hidden with --quiet or when not a terminal).

    Yields the ``Progress``; the task id of the single task is 0."""
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"), _Rate(),
        TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=err, transient=True, disable=quiet,
    )
    with bar:
        bar.add_task(description, total=total)
        yield bar


class _Rate(ProgressColumn):
    """Items per second (points, neurons) over the recent updates."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "-/s")


def table(title: str, rows: list[tuple[str, str]]) -> Table:
    """A two-column table of labelled values."""
    t = Table(title=title, show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    for k, v in rows:
        t.add_row(k, v)
    return t


def network_rows(net: Network) -> list[tuple[str, str]]:
    """Shape, parameter count and bit statistics of a network, as table rows."""
    stats = net.bit_stats()
    shape = " → ".join(str(n) for n in [net.input_dim, *net.widths, net.output_dim])
    return [
        ("shape", shape),
        ("parameters", f"{net.parameter_count():,}"),
        ("largest parameter", f"{stats['largest_bits']:,} bits"),
        ("all parameters", f"{stats['total_bits']:,} bits"),
    ]


def arithmetic_rows(a: Arithmetic) -> list[tuple[str, str]]:
    """Where a network is exact besides the rationals: every format's verdict, the spans."""
    spans = ", ".join(map(str, a.spans)) if a.spans else "-"
    names = {"binary64": "float64", "binary32": "float32", "binary16": "float16"}
    return [
        *((f"exact in {names.get(t, t)}", a.summary(t)) for t in TARGETS if t != "rational"),
        ("bit span per layer", spans),
    ]
