"""exactnet vnnlib: a VNN-COMP benchmark folder whose every answer is known exactly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.table import Table

from exactnet.data.labels import read_for
from exactnet.instances.folder import check_network, write_benchmark
from exactnet.instances.generate import instances, one_hot_labels
from exactnet.network import Network
from exactnet.verifier.dyadic import arithmetic

from .common import out, progress, table, user_errors


def vnnlib(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON) with weights exact in --dtype."),
    data: Path = typer.Argument(..., help="The data it was built from: box centers and, for one-hot outputs, labels."),
    output: Path = typer.Option(..., "--output", "-o", help="Benchmark folder to create (new or empty)."),
    radius: list[str] = typer.Option([], "--radius", help="Box half-width around each point (repeatable). Default:"
                                                          " 1 for regression; for one-hot networks the pair 2^(k-1),"
                                                          " 2^k around each point's critical radius."),
    margin: list[str] = typer.Option([], "--margin", help="Regression: distance d of the thresholds from the exact"
                                                          " extremes (repeatable; default 1)."),
    points: int = typer.Option(10, "--points", help="Data rows used as box centers, spread evenly over the data."),
    output_index: int = typer.Option(0, "--output-index", help="Regression: the output Y_k the properties are about."),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds per instance, written to instances.csv."),
    dtype: str = typer.Option("float64", "--dtype", help="ONNX dtype: float64 or float32 (every weight must be exact"
                                                         " in it)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Write a VNN-COMP benchmark folder (onnx/, vnnlib/ in VNN-LIB 1.0, vnnlib2/ in 2.0, instances.csv) and expected.csv with the exact answer of every instance: sat or unsat, the exact extreme, its margin to the threshold and a witness.

    Regression networks: around each chosen point, the box of each --radius and, for each --margin d, "Y_k >= max + d" (unsat), "Y_k >= max - d" (sat), "Y_k <= min - d" (unsat), "Y_k <= min + d" (sat). One-hot networks: local robustness, "some other class scores at least the label's class", sat or unsat by the exact smallest margin.

    Knobs: small input dimensions and wide radii give boxes that cross many linear pieces (hard instances); small --margin puts thresholds close to the extremes (hard for float verifiers). Box bounds and thresholds are dyadic with short exact decimals, so the .vnnlib text means exactly what expected.csv assumes."""  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        net = Network.load(network)
        check_network(net, dtype)  # before the work: a network the dtype would round is refused at once
        dataset = read_for(net, data, str(network))
        with progress("exact answers", min(points, dataset.n), quiet) as bar:
            found = instances(net, dataset, points=points, radii=radius, gaps=margin or [1], output=output_index,
                              progress=lambda done, total: bar.update(0, completed=done, total=total))
        certified = arithmetic(net, dataset.X)
        write_benchmark(output, net, found, timeout=timeout, dtype=dtype, arithmetic=certified)
    kinds = Counter((i.kind, i.answer.verdict) for i in found)
    out.print(table(str(output), [
        ("instances", f"{len(found):,} ({sum(i.answer.verdict == 'sat' for i in found):,} sat, "
                      f"{sum(i.answer.verdict == 'unsat' for i in found):,} unsat)"),
        ("properties", "local robustness" if one_hot_labels(dataset) else f"thresholds on Y_{output_index}"),
        ("onnx", f"onnx/network.onnx: weights exact in {dtype}"),
        (f"{dtype} evaluation", ("exact on the data" if certified.holds(dtype) else "NOT exact on the data")
         + f" ({dtype} certificate: {certified.summary(dtype)})"),
        ("files", "instances.csv (VNN-LIB 1.0), instances_vnnlib2.csv (2.0), expected.csv, benchmark.json"),
    ]))
    t = Table(title="instances by kind", title_justify="left")
    for col in ("kind", "expected", "count", "smallest |margin|"):
        t.add_column(col)
    for (kind, verdict), count in sorted(kinds.items()):
        closest = min(abs(i.answer.margin) for i in found if (i.kind, i.answer.verdict) == (kind, verdict))
        t.add_row(kind, verdict, str(count), f"{float(closest):.6g}")
    out.print(t)
