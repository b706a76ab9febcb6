"""exactnet verify: the independent exact check of a network file against a data file."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from exactnet.data.labels import argmax_hits, read_for, stored
from exactnet.errors import ExactnetError
from exactnet.network import Network
from exactnet.rational import to_text
from exactnet.verifier import verify as check
from exactnet.verifier.blocks import connect
from exactnet.verifier.general import evaluate_all

from .common import EXIT_CHECK_FAILED, arithmetic_rows, fail, out, progress, table, user_errors


def verify(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON)."),
    data: Path = typer.Argument(..., help="Data file; in .csv/.npy the last M columns are outputs (the last column"
                                          " holds the class labels for a network built with --labels)."),
    show: int = typer.Option(10, "--show", min=0, help="How many failing points to list."),
    engine: str | None = typer.Option(
        None, "--engine", help="float32, float64, prefix, integer, piecewise, flint or python (default: chosen by "
                               "what the network and data allow: float32 or float64 where its certificate holds; "
                               "piecewise for"
                               " rational networks whose first-layer rows are multiples of one row)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes sharing the points (same certificate)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a dask.distributed scheduler (tcp://host:port): every block of points "
                                  "is a task on that cluster (same certificate). Needs pip install \".[dask]\"."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Evaluate NETWORK on DATA in exact arithmetic. Exit 0 when every output is exact, 1 otherwise.

    The certificate also says whether float64, float32, float16, bfloat16 and int64 evaluation of NETWORK on DATA are exact (bit span <= 53, 24, 11, 8, 63 and every number a number of the format) and which evaluation path ran; float32 and float64 matrix products run only where that certificate proves them exact.

    A network built with --labels reads DATA's labels with its stored class order; for one-hot
    labels it also reports on how many points the exact output's argmax is the label."""  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        net = Network.load(network)
        labels = stored(net, str(network))
        dataset = read_for(net, data, str(network), merge=False)  # every row of the file is checked
        client = None if scheduler is None else connect(scheduler)
        start = time.perf_counter()
        try:
            with progress("verifying points", dataset.n, quiet) as bar:
                cert = check(net, dataset, engine=engine, keep=show, jobs=jobs, client=client,
                             progress=lambda done, total: bar.update(0, completed=done, total=total))
        except ExactnetError as e:  # the network and the data disagree: name both files
            fail(f"{network} on {data}: {e}")
        finally:
            if client is not None:
                client.close()
        seconds = time.perf_counter() - start
        rows = []
        if labels and labels[0] == "one-hot":
            # exact: every output row is its one-hot target, so only a failed check needs them again
            outputs = dataset.Y if cert.exact else evaluate_all(net, dataset.X)
            hits = argmax_hits(outputs, dataset.Y)
            rows.append(("argmax", f"the label on {hits:,} of {dataset.n:,} points"))
    verdict = "exact" if cert.exact else f"NOT exact: {cert.failed:,} of {cert.points:,} points differ"
    out.print(table("certificate", [
        ("verdict", verdict),
        ("points", f"{cert.points:,}"),
        ("outputs", str(cert.outputs)),
        ("max error", to_text(cert.max_error)),
        *rows,
        ("network sha256", cert.network_sha256),
        ("data sha256", cert.data_sha256),
        *arithmetic_rows(cert.arithmetic),
        ("path", cert.engine + (f", blocks as tasks on {scheduler}" if scheduler else "")),
        ("time", f"{seconds:.3f} s"),
    ]))
    if cert.exact:
        return
    failures = Table(title="first failing points", title_justify="left")
    for col in ("index", "expected", "got", "difference"):
        failures.add_column(col)
    for f in cert.failures:
        failures.add_row(str(f.index), *(", ".join(map(to_text, v)) for v in (f.expected, f.got, f.difference)))
    out.print(failures)
    raise typer.Exit(EXIT_CHECK_FAILED)
