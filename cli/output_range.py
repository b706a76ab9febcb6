"""exactnet range: exact minimum and maximum of each output over an input box."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from exactnet.data.labels import read_for
from exactnet.errors import ArgumentError
from exactnet.network import Network
from exactnet.rational import to_text
from exactnet.verifier.sweep import Bounds, box_around, output_range

from .common import fail, out, user_errors


def range_(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON)."),
    box: str | None = typer.Option(None, "--box", help='LO:HI for every input ("0:1"), or one LO:HI per input'
                                                      ' separated by commas ("0:1,-2:2.5,1/3:1/2").'),
    around: str | None = typer.Option(None, "--around", help="DATA:ROW: the box of --radius around data row ROW"
                                                             " (data rows counted from 1)."),
    radius: str | None = typer.Option(None, "--radius", help="Half-width of the --around box (L-infinity)."),
    pairs: bool = typer.Option(False, "--pairs", help="Also every difference y_i - y_j (class margins)."),
    as_json: bool = typer.Option(False, "--json", help="Exact values and witnesses as JSON on stdout."),
) -> None:
    """Exact minimum and maximum of each output of NETWORK over an input box, each with a point of the box that attains it.

    For networks whose first-layer rows are multiples of one row (every network exactnet builds): the outputs are then a piecewise-linear function of one number t = w . x, and the extremes lie at its breakpoints. Exit 2 for other networks."""  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        net = Network.load(network)
        lower, upper = _box(net, box, around, radius)
        r = output_range(net, lower, upper)
        m = net.output_dim
        rows = [(f"y_{k}", r.outputs[k]) for k in range(m)]
        if pairs:
            rows += [(f"y_{i} - y_{j}", r.difference(i, j)) for i in range(m) for j in range(m) if i != j]
    if as_json:
        out.print_json(json.dumps({
            "t_range": [to_text(v) for v in r.t_range], "breakpoints": len(r.ts),
            "ranges": [{"of": name, **{side: {"value": to_text(e.value), "witness": [to_text(v) for v in e.witness]}
                                       for side, e in (("min", b.min), ("max", b.max))}} for name, b in rows],
        }))
        return
    points = f"{len(r.ts):,} breakpoint{'' if len(r.ts) == 1 else 's'}"
    t = Table(title=f"exact range over the box ({points} of t = w . x in "
                    f"[{to_text(r.t_range[0])}, {to_text(r.t_range[1])}])", title_justify="left")
    for col in ("of", "min", "max", "min at", "max at"):
        t.add_column(col)
    for name, b in rows:
        t.add_row(name, to_text(b.min.value), to_text(b.max.value), _point(b, "min"), _point(b, "max"))
    out.print(t)


def _point(b: Bounds, side: str) -> str:
    x = (b.min if side == "min" else b.max).witness
    text = ", ".join(to_text(v) for v in x[:6]) + (", ..." if len(x) > 6 else "")
    return f"({text})"


def _box(net: Network, box: str | None, around: str | None, radius: str | None) -> tuple[list, list]:
    if (box is None) == (around is None):
        fail("give --box LO:HI[,LO:HI...] or --around DATA:ROW --radius R")
    if box is not None:
        if radius is not None:
            fail("--radius goes with --around, not --box")
        pairs = [p.split(":") for p in box.split(",")]
        if any(len(p) != 2 for p in pairs):
            fail(f"--box {box!r}: each bound is LO:HI")
        if len(pairs) == 1:
            pairs *= net.input_dim
        if len(pairs) != net.input_dim:
            raise ArgumentError(f"--box has {len(pairs)} intervals; the network has {net.input_dim} inputs")
        return [p[0].strip() for p in pairs], [p[1].strip() for p in pairs]
    if radius is None:
        fail("--around needs --radius")
    path, sep, row = (around or "").rpartition(":")
    if not sep or not row.strip().isdigit() or int(row) < 1:
        fail(f"--around {around!r}: give DATA:ROW with ROW a row number from 1")
    data = read_for(net, Path(path), "network", merge=False)
    if int(row) > data.n:
        raise ArgumentError(f"--around: {path} has {data.n} rows, not {row}")
    lo, hi = box_around(data.X[int(row) - 1], radius)
    return list(lo), list(hi)
