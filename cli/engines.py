"""exactnet engines: a certified network through every installed inference engine, exact or not."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from exactnet.data.labels import read_for
from exactnet.engines import DTYPES, TIMEOUT, run
from exactnet.network import Network

from .common import EXIT_CHECK_FAILED, fail, out, user_errors


def engines(
    network: Path = typer.Argument(..., help="Network file (exactnet.network JSON)."),
    data: Path = typer.Argument(..., help="Data file (as for verify)."),
    dtype: str = typer.Option("float32", "--dtype", help=f"ONNX dtype: {', '.join(DTYPES)}."),
    engine: list[str] | None = typer.Option(None, "--engine", help="Only these engines (repeat the option)."),
    timeout: float = typer.Option(TIMEOUT, "--timeout", help="Seconds each engine may take."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per engine, a list."),
) -> None:
    """Run NETWORK on DATA in every installed inference engine (onnxruntime with graph optimizations off and on, onnx's reference evaluator, OpenVINO with its default precision hint and with f32, tract) and compare every output with DATA exactly.

    When the verifier's certificate for --dtype holds, exactness is a requirement: an engine that differs by a single bit is a finding, and the exit code is 1. Otherwise the table is a measurement (exit 0). Each engine runs in its own process: a crash or a timeout is a row."""  # noqa: E501 (typer shows each paragraph as one line)
    if timeout <= 0 or timeout != timeout:
        fail(f"--timeout must be a positive number of seconds, not {timeout}")
    with user_errors():
        net = Network.load(network)
        dataset = read_for(net, data, str(network))
        results = run(net, dataset, dtype, engine or None, timeout)
    if as_json:
        out.print(json.dumps([r.to_json() for r in results], indent=1), markup=False)
    else:
        required = results[0].required if results else False
        t = Table(title=f"{network} on {dataset.n:,} points in {dtype}: exactness "
                        + ("REQUIRED (the certificate holds)" if required else "measured (no certificate)"),
                  title_justify="left")
        for col in ("engine", "version", "settings", "exact", "points wrong", "worst error", "first difference",
                    "seconds"):
            t.add_column(col)
        for r in results:
            ran = r.status in ("exact", "not exact")
            first = "-" if r.first is None else f"#{r.first[0]}: exact {', '.join(r.first[1])}, " \
                                               f"got {', '.join(r.first[2])}"
            worst = "-" if not ran else "inf/nan" if r.worst is None else f"{float(r.worst):.6g}"
            t.add_row(r.engine, r.version or "-", r.settings, "yes" if r.status == "exact" else r.status,
                      f"{r.wrong:,}" if ran else "-", worst, first, "-" if r.seconds is None else f"{r.seconds:.2f}")
        out.print(t)
        notes = [f"{r.engine}: {r.lowers_precision}" for r in results if r.lowers_precision and r.status == "not exact"]
        for note in notes:
            out.print(f"setting: {note}", markup=False)
    findings = [r.engine for r in results if r.finding]
    if findings:
        fail(f"not exact although the {dtype} certificate holds: {', '.join(findings)}", EXIT_CHECK_FAILED)
