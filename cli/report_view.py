"""Show analysis reports as a rich table, CSV or JSON, and write plots atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from exactnet.analysis.report import Report, dumps
from exactnet.files import write_atomic
from exactnet.rational import RATIONAL_TYPES, to_text

from .common import fail, out, table

FORMATS = ("table", "csv", "json")


def check_format(fmt: str) -> str:
    """The output format, or exit 2 naming the choices."""
    if fmt not in FORMATS:
        fail(f"--output-format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


def show(reports: list[Report], fmt: str) -> None:
    """Print the reports in ``fmt``: rich tables, CSV (one block per report), or JSON."""
    if fmt == "json":
        out.print(dumps(reports), markup=False)
        return
    if fmt == "csv":
        out.print("\n".join(r.to_csv() for r in reports).rstrip("\n"), markup=False)
        return
    for r in reports:
        if r.summary:
            out.print(table(escape(r.title), [(k, _cell(v)) for k, v in r.summary]))
        t = Table(title=None if r.summary else escape(r.title), caption=escape(r.caption) or None,
                  caption_justify="left", title_justify="left")
        for c in r.columns:
            t.add_column(escape(c.header), justify="right" if _numeric(r, c.key) else "left")
        for row in r.rows:
            t.add_row(*(_cell(row.get(c.key)) for c in r.columns))
        out.print(t)
        for note in r.notes:
            out.print(f"note: {note}", markup=False)


def save_plot(path: Path, png: bytes) -> None:
    """Write the PNG atomically (no partial file on failure)."""
    write_atomic(path, png)


def _numeric(r: Report, key: str) -> bool:
    vals = [row.get(key) for row in r.rows if row.get(key) is not None]
    return bool(vals) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)


def _cell(v: Any) -> str:
    return escape(_text(v))


def _text(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, RATIONAL_TYPES):
        return to_text(v)
    return str(v)
