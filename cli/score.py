"""exactnet score: a verifier's results against the exact answers of a benchmark folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from exactnet.instances.score import CORRECT, TOLERANCE, UNKNOWN, WRONG
from exactnet.instances.score import score as run_score

from .common import EXIT_CHECK_FAILED, out, table, user_errors


def score(
    benchmark: Path = typer.Argument(..., help="Benchmark folder written by exactnet vnnlib."),
    results: Path = typer.Argument(..., help="Folder of result files, one per instance: <name>.txt (or"
                                             " .counterexample, .result, no suffix) for vnnlib/<name>.vnnlib."),
    tolerance: str = typer.Option(TOLERANCE, "--tolerance", help="How far a sat counterexample's X may miss the box or"
                                                              " the unsafe region and still count (0: exactly)."),
    show: int = typer.Option(20, "--show", help="How many correct-with-tolerance answers to list."),
) -> None:
    """Score RESULTS (VNN-COMP result format: sat / unsat / timeout / unknown / error on the first line, then for sat the counterexample) against BENCHMARK's exact answers. Exit 1 when any answer is wrong.

    A sat answer is checked on its X alone, in exact arithmetic: inside the box, and the exact network's outputs at X in the unsafe region. Points as in VNN-COMP: +10 per correct answer, -150 per wrong one."""  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        s = run_score(benchmark, results, tolerance)
    correct, wrong, unknown = s.count(CORRECT), s.count(WRONG), s.count(UNKNOWN)
    near = [r for r in s.rows if r.within_tolerance]
    out.print(table(f"{results} against {benchmark}", [
        ("instances", f"{len(s.rows):,}"),
        ("correct", f"{correct:,}" + (f" ({len(near):,} with a counterexample within --tolerance)" if near else "")),
        ("wrong", f"{wrong:,}"),
        ("unknown", f"{unknown:,} (timeout, unknown, error or no result file)"),
        ("points", f"{s.points:,}"),
    ]))
    for title, rows in (("wrong answers", s.wrong), ("counterexamples within tolerance", near[:show])):
        if not rows:
            continue
        t = Table(title=title, title_justify="left")
        for col in ("instance", "expected", "reported", "why"):
            t.add_column(col)
        for r in rows:
            t.add_row(r.name, r.expected, r.reported, r.detail)
        out.print(t)
    if wrong:
        raise typer.Exit(EXIT_CHECK_FAILED)
