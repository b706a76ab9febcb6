"""exactnet build: read data, construct, verify, write the network file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from exactnet.construct.build import check_arguments
from exactnet.data.labels import ENCODINGS, read_labelled
from exactnet.data.readers import read
from exactnet.errors import CheckFailed
from exactnet.files import check_writable
from exactnet.verified import build_verified

from .common import EXIT_CHECK_FAILED, arithmetic_rows, err, fail, network_rows, out, progress, table, user_errors


def build(
    data: Path = typer.Argument(..., help="Data file: .csv (last M columns are outputs), .npz (X, Y), .npy or .json."),
    output: Path = typer.Option(..., "-o", "--output", help="Network file to write (JSON)."),
    a1: int | None = typer.Option(None, "--a1", help="First hidden layer width."),
    a2: int | None = typer.Option(None, "--a2", help="Second hidden layer width."),
    outputs: int | None = typer.Option(None, "--outputs", "-m", help="Number of output columns M (default 1)."),
    labels: str | None = typer.Option(
        None, "--labels", help="The last column holds class labels: one-hot (M = number of classes) or scalar."),
    method: str = typer.Option("two-hidden-layer", "--method", help="two-hidden-layer or one-hidden-layer."),
    exact_in: str = typer.Option(
        "rational", "--exact-in",
        help="Arithmetic in which the network must be exact: rational, float64, int64, float32, float16 or bfloat16."),
    construction: str | None = typer.Option(
        None, "--construction", help="theorem3 (fewest neurons), dyadic (short weights) or bucketed (small "
                                     "pre-activations); --exact-in float64/int64 implies dyadic, float32/float16/"
                                     "bfloat16 bucketed."),
    depth: int | None = typer.Option(None, "--depth", help="Hidden layers of the bucketed construction: 3 or 4 "
                                                            "(default: searched)."),
    bucket_size: int | None = typer.Option(None, "--bucket-size", help="Points per bucket of the bucketed "
                                                                        "construction (default: searched)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the projection row (builds are reproducible)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for the verification (same result)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build a ReLU network that memorizes DATA exactly, verify it, save it.

    two-hidden-layer (default): widths exactly --a1 x --a2, holding a1*(a2 div M) + (a2 mod M) points; without widths, the fewest neurons (then fewest parameters) that hold N.

    one-hidden-layer: N - 1 neurons.

    --exact-in float32, float16 or bfloat16: the bucketed construction (3 or 4 hidden layers, exact 0/1 gates select a bucket of at most --bucket-size points, every pre-activation small) with the fewest neurons found whose evaluation in that format is proven exact on DATA.

    --exact-in float64 or int64: the dyadic construction (capacity ((a1 + 1) div 2) * (a2 div M) + (a2 mod M)) with the fewest neurons whose evaluation in that arithmetic is proven exact on DATA by the bit-span certificate.

    The file is written only when the independent verifier confirms every output exactly.
    """  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        check_writable(output, [data])  # before the work, not after it
        check_arguments(method, construction, exact_in, a1, a2, depth, bucket_size)
        if labels is not None and labels not in ENCODINGS:
            fail(f"--labels {labels!r}: expected one of {', '.join(ENCODINGS)}")
        labelled = None
        if labels is not None:
            labelled = read_labelled(data, labels)
            dataset = labelled.data
            if outputs is not None and outputs != dataset.outputs:
                fail(f"--outputs {outputs}: --labels {labels} with {len(labelled.classes)} classes "
                     f"gives {dataset.outputs} output(s)")
        else:
            dataset = read(data, 1 if outputs is None else outputs)
        if dataset.merged:
            err.print(f"warning: {data}: merged {dataset.merged} duplicate row(s) with equal outputs", markup=False)
        with progress("building", 0, quiet) as bar:
            def step(name: str) -> Callable[[int, int], None]:
                return lambda done, total: bar.update(0, description=name, completed=done, total=total)

            try:
                result = build_verified(dataset, a1=a1, a2=a2, method=method, seed=seed, construction=construction,
                                        exact_in=exact_in, depth=depth, bucket_size=bucket_size, jobs=jobs,
                                        build_progress=step("building"),
                                        verify_progress=step("verifying points"))
            except CheckFailed as e:
                fail(f"{e}; no file written", EXIT_CHECK_FAILED)
    net, cert, built, checked = result.network, result.certificate, result.build_seconds, result.verify_seconds
    if net.meta.get("widths_reason"):
        out.print(net.meta["widths_reason"], markup=False)
    net = net.with_meta(**(labelled.meta() if labelled else {}))
    with user_errors():
        net.save(output, [data])
    rows = [("points", f"{dataset.n:,}" + (f" ({dataset.merged} duplicates merged)" if dataset.merged else ""))]
    if labelled:
        rows.append(("classes", f"{len(labelled.classes)}, {labelled.encoding}"))
    out.print(table(f"built {output}", [
        *rows,
        *network_rows(net),
        ("construction", net.meta.get("construction", "")),
        *([("projection", f"{net.meta['projection']['method']}, {net.meta['projection']['bits']} bits")]
          if "projection" in net.meta else []),
        *([("buckets", f"{net.meta['buckets']:,} of at most {net.meta['bucket_size']} points, "
                       f"depth {net.meta['depth']}")] if "buckets" in net.meta else []),
        ("build", f"{built:.3f} s"),
        ("verify", f"{checked:.3f} s, exact (max error 0), {cert.engine} path"),
        *arithmetic_rows(cert.arithmetic),
    ]))
