"""A result table that every analysis returns: title, columns, rows, caption, notes.

Rows hold plain values (int, str, bool, None, or exact rationals shown as text). ``to_csv``
and ``to_json`` give the same table in machine-readable form; the CLI renders it for people.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from exactnet.rational import RATIONAL_TYPES, to_text


@dataclass(frozen=True)
class Column:
    key: str
    header: str


@dataclass(frozen=True)
class Report:
    """One table. ``rows`` are dicts keyed by ``Column.key``; a row may hold further keys with
    typed values for programs (a plot reads ``widths`` rather than the text of ``nodes``), which
    are neither shown nor exported. ``summary`` holds scalar facts shown above the table;
    ``notes`` are sentences shown below it (the caption's fine print)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    caption: str = ""
    summary: tuple[tuple[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; exact rationals become their exact text ("-7/2")."""
        return {
            "title": self.title,
            "caption": self.caption,
            "summary": {k: _plain(v) for k, v in self.summary},
            "columns": [c.key for c in self.columns],
            "rows": [{c.key: _plain(r.get(c.key)) for c in self.columns} for r in self.rows],
            "notes": list(self.notes),
            **{k: _plain(v) for k, v in self.extra.items()},
        }

    def to_csv(self) -> str:
        """The rows as CSV with a header line of column keys (summary and notes omitted)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.key for c in self.columns])
        for r in self.rows:
            w.writerow(["" if r.get(c.key) is None else _plain(r.get(c.key)) for c in self.columns])
        return buf.getvalue()


def dumps(reports: list[Report]) -> str:
    """JSON text of one report (an object) or several (a list)."""
    obj: Any = reports[0].to_json() if len(reports) == 1 else [r.to_json() for r in reports]
    return json.dumps(obj, indent=1)


def _plain(v: Any) -> Any:
    if isinstance(v, RATIONAL_TYPES):
        return to_text(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v
