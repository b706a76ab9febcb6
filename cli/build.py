"""exactnet build: read data, construct, verify, write the network file."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from exactnet.construct.build import build_two_layer
from exactnet.dataset import read
from exactnet.verify import verify

from .common import EXIT_CHECK_FAILED, err, fail, network_rows, out, progress, table, user_errors


def build(
    data: Path = typer.Argument(..., help="Data file: .csv (last M columns are outputs), .npz (X, Y), .npy or .json."),
    output: Path = typer.Option(..., "-o", "--output", help="Network file to write (JSON)."),
    a1: int | None = typer.Option(None, "--a1", help="First hidden layer width."),
    a2: int | None = typer.Option(None, "--a2", help="Second hidden layer width."),
    outputs: int = typer.Option(1, "--outputs", "-m", help="Number of output columns M."),
    seed: int = typer.Option(0, "--seed", help="Seed for the projection row (builds are reproducible)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build a two-hidden-layer ReLU network that memorizes DATA exactly, verify it, save it.

    Without --a1/--a2 the widths are the fewest neurons with a1*a2 >= N. The file is written
    only when the independent verifier confirms every output exactly.
    """
    with user_errors():
        if outputs != 1:
            fail(f"--outputs {outputs}: only one output column is supported by this build")
        dataset = read(data, outputs)
        if dataset.merged:
            err.print(f"warning: {data}: merged {dataset.merged} duplicate row(s) with equal outputs", markup=False)
        start = time.perf_counter()
        with progress("building", a2 or 0, quiet) as bar:
            net = build_two_layer(dataset, a1, a2, seed=seed,
                                  progress=lambda done, total: bar.update(0, completed=done, total=total))
        built = time.perf_counter() - start
        start = time.perf_counter()
        with progress("verifying", len(net.layers), quiet) as bar:
            cert = verify(net, dataset, progress=lambda done, total: bar.update(0, completed=done))
        checked = time.perf_counter() - start
    if not cert.exact:
        fail(f"verification failed on {cert.failed} point(s); no file written", EXIT_CHECK_FAILED)
    net = net.with_meta(verify_seconds=round(checked, 6), certificate=cert.to_json())
    with user_errors():
        net.save(output)
    out.print(table(f"built {output}", [
        ("points", f"{dataset.n:,}" + (f" ({dataset.merged} duplicates merged)" if dataset.merged else "")),
        *network_rows(net),
        ("projection", f"{net.meta['projection']['method']}, {net.meta['projection']['bits']} bits"),
        ("build", f"{built:.3f} s"),
        ("verify", f"{checked:.3f} s, exact (max error 0)"),
    ]))
