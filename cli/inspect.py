"""exactnet inspect: what a network file holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from exactnet.analysis import regions
from exactnet.data.dataset import Dataset
from exactnet.data.labels import read_for, stored
from exactnet.network import Network
from exactnet.rational import bits
from exactnet.verifier.dyadic import arithmetic
from exactnet.verifier.span import TARGETS

from .common import arithmetic_rows, network_rows, out, table, user_errors
from .report_view import check_format, show


def inspect(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON)."),
    data: Path | None = typer.Option(None, "--data", help="Data file: activity on its points."),
    output_format: str = typer.Option("table", "--output-format", "-f", help="table, csv or json."),
) -> None:
    """Layer shapes, parameters, bits and meta data of NETWORK.

    With --data, its activity on the data: neurons zero on every point, activation patterns,
    and for one-dimensional inputs the exact number of linear pieces.
    """
    fmt = check_format(output_format)
    with user_errors():
        net = Network.load(network)
        labels = stored(net, str(network))
        dataset = read_for(net, data, str(network)) if data is not None else None
        activity = regions.report(net, dataset) if dataset is not None else None
        arithmetic = _arithmetic(net, dataset)
    if fmt != "table":
        show([regions.layers_report(net), *([activity] if activity else [])], fmt)
        return
    rows = network_rows(net)
    if labels:
        encoding, classes = labels
        shown = ", ".join(map(str, classes[:20])) + (", ..." if len(classes) > 20 else "")
        rows.append(("classes", f"{len(classes)} ({shown}), {encoding}"))
    out.print(table(str(network), rows + arithmetic))
    layers = Table(title="layers", title_justify="left")
    for col in ("layer", "out x in", "activation", "parameters", "largest bits", "total bits"):
        layers.add_column(col)
    for k, layer in enumerate(net.layers, start=1):
        sizes = [bits(q) for q in layer.numbers()]
        o, i = layer.shape
        layers.add_row(str(k), f"{o} x {i}", layer.activation, f"{len(sizes):,}", f"{max(sizes):,}", f"{sum(sizes):,}")
    out.print(layers)
    if net.meta:
        meta = Table(title="meta", title_justify="left", show_header=False)
        meta.add_column(style="bold")
        meta.add_column()
        for k, v in net.meta.items():
            meta.add_row(k, v if isinstance(v, str) else json.dumps(v))
        out.print(meta)
    if activity:
        show([activity], fmt)


def _arithmetic(net: Network, dataset: Dataset | None) -> list[tuple[str, str]]:
    """Every format's verdict and the spans: computed on DATA when given, else as stored at build."""
    if dataset is not None:
        return arithmetic_rows(arithmetic(net, dataset.X))
    stored_cert = net.meta.get("certificate", {}).get("arithmetic") if isinstance(net.meta.get("certificate"),
                                                                                dict) else None
    if not isinstance(stored_cert, dict):
        return [("bit span", "give --data to compute it")]
    spans = stored_cert.get("spans") or []
    names = {"binary64": "float64", "binary32": "float32", "binary16": "float16"}
    held = [names.get(t, t) for t in TARGETS if stored_cert.get(t) is True]
    return [("bit span (stored at build)", ", ".join(map(str, spans)) or "-"),
            ("exact in (stored at build)", ", ".join(held) or "rational only")]
