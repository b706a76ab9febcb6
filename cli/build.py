"""exactnet build: read data, construct, verify, write the network file."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from exactnet.construct.build import METHODS
from exactnet.construct.build import build as construct
from exactnet.construct.widths import choose_widths
from exactnet.data.dataset import read
from exactnet.data.labels import ENCODINGS, read_labelled
from exactnet.files import check_writable
from exactnet.verifier import verify

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
        "rational", "--exact-in", help="Arithmetic in which the network must be exact: rational, float64 or int64."),
    construction: str | None = typer.Option(
        None, "--construction", help="theorem3 (fewest neurons) or dyadic (short weights); --exact-in float64/int64 "
                                     "implies dyadic."),
    seed: int = typer.Option(0, "--seed", help="Seed for the projection row (builds are reproducible)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for the verification (same result)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build a ReLU network that memorizes DATA exactly, verify it, save it.

    two-hidden-layer (default): widths exactly --a1 x --a2, holding a1*(a2 div M) + (a2 mod M) points; without widths, the fewest neurons (then fewest parameters) that hold N.

    one-hidden-layer: N - 1 neurons.

    --exact-in float64 or int64: the dyadic construction (capacity ((a1 + 1) div 2) * (a2 div M) + (a2 mod M)) with the fewest neurons whose evaluation in that arithmetic is proven exact on DATA by the bit-span certificate.

    The file is written only when the independent verifier confirms every output exactly.
    """  # noqa: E501 (typer shows each paragraph as one line)
    with user_errors():
        check_writable(output, [data])  # before the work, not after it
        if method not in METHODS:
            fail(f"--method {method!r}: expected one of {', '.join(METHODS)}")
        if labels is not None and labels not in ENCODINGS:
            fail(f"--labels {labels!r}: expected one of {', '.join(ENCODINGS)}")
        if method == "one-hidden-layer" and (a1 is not None or a2 is not None):
            fail("--a1/--a2 apply to --method two-hidden-layer only")
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
        total = 0
        dyadic = construction == "dyadic" or (construction is None and exact_in != "rational")
        if method == "two-hidden-layer" and not dyadic:
            widths = choose_widths(dataset.n, dataset.outputs, dataset.dim, a1, a2)
            total = widths.a2
            if widths.reason:
                out.print(widths.reason, markup=False)
        start = time.perf_counter()
        with progress("building", total, quiet) as bar:
            net = construct(dataset, a1, a2, method=method, seed=seed, construction=construction, exact_in=exact_in,
                            progress=lambda done, total: bar.update(0, completed=done, total=total))
        built = time.perf_counter() - start
        if dyadic and net.meta.get("widths_reason"):
            out.print(net.meta["widths_reason"], markup=False)
        start = time.perf_counter()
        with progress("verifying points", dataset.n, quiet) as bar:
            cert = verify(net, dataset, jobs=jobs,
                          progress=lambda done, total: bar.update(0, completed=done, total=total))
        checked = time.perf_counter() - start
    if not cert.exact:
        fail(f"verification failed on {cert.failed} point(s); no file written", EXIT_CHECK_FAILED)
    if not cert.arithmetic.holds(exact_in):
        fail(f"the verifier's {exact_in} certificate does not hold ({cert.arithmetic.summary(exact_in)}); "
             "no file written", EXIT_CHECK_FAILED)
    net = net.with_meta(verify_seconds=round(checked, 6), certificate=cert.to_json(),
                        **(labelled.meta() if labelled else {}))
    with user_errors():
        net.save(output, [data])
    rows = [("points", f"{dataset.n:,}" + (f" ({dataset.merged} duplicates merged)" if dataset.merged else ""))]
    if labelled:
        rows.append(("classes", f"{len(labelled.classes)}, {labelled.encoding}"))
    out.print(table(f"built {output}", [
        *rows,
        *network_rows(net),
        ("construction", net.meta.get("construction", "")),
        ("projection", f"{net.meta['projection']['method']}, {net.meta['projection']['bits']} bits"),
        ("build", f"{built:.3f} s"),
        ("verify", f"{checked:.3f} s, exact (max error 0), {cert.engine} path"),
        *arithmetic_rows(cert.arithmetic),
    ]))
