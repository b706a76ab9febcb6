"""Inference engines against exact answers: a network certified exact in a float format must give
exactly its outputs in any IEEE-conformant engine, whatever the order of its sums; a single
differing bit is a finding about the engine.

``run(net, data, dtype)`` exports the network to ONNX in ``dtype`` (refused when a weight or an
input would be rounded: that would test the rounding, not the engine), runs every installed
engine of ``adapters.ENGINES`` on all the data, each in a child process with a time limit
(``child``), and compares every output with the data's exactly. A crash or a timeout is a result,
never an exception. The verifier's certificate for ``dtype`` says whether exactness is a
requirement (the certificate holds: any difference is the engine's) or only a measurement.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from exactnet.data.dataset import Dataset
from exactnet.engines.adapters import ENGINES, Engine
from exactnet.errors import ArgumentError
from exactnet.export import onnx as onnx_format
from exactnet.export.dtypes import FLOATS
from exactnet.export.rounding import round_network
from exactnet.instances.folder import check_onnx_exact
from exactnet.network import Network
from exactnet.rational import Q, to_text
from exactnet.verifier.dyadic import arithmetic
from exactnet.verifier.span import target_name

DTYPES = ("float64", "float32", "float16")
TIMEOUT = 120.0


@dataclass(frozen=True)
class EngineResult:
    """One engine's run: ``status`` is "exact", "not exact", "not installed", "crashed: ..." or
    "timed out after S s"; ``required`` says whether the certificate makes exactness a
    requirement. ``first`` is the first differing point: (index, exact outputs, computed)."""

    engine: str
    version: str | None
    settings: str
    status: str
    required: bool
    points: int = 0
    wrong: int = 0
    worst: Fraction | None = None
    first: tuple[int, tuple[str, ...], tuple[str, ...]] | None = None
    seconds: float | None = None
    lowers_precision: str = ""

    @property
    def finding(self) -> bool:
        """An engine that is not exact although the certificate requires it."""
        return self.required and self.status == "not exact"

    def to_json(self) -> dict[str, object]:
        return {"engine": self.engine, "version": self.version, "settings": self.settings, "status": self.status,
                "exactness_required": self.required, "points": self.points, "points_wrong": self.wrong,
                "worst_error": None if self.worst is None else to_text(self.worst),
                "first_difference": None if self.first is None else
                {"index": self.first[0], "exact": list(self.first[1]), "computed": list(self.first[2])},
                "seconds": self.seconds, "finding": self.finding,
                **({"note": self.lowers_precision} if self.lowers_precision else {})}


def run(net: Network, data: Dataset, dtype: str = "float32", engines: Sequence[str] | None = None,
        timeout: float = TIMEOUT) -> list[EngineResult]:
    """Every engine of ``engines`` (names from ``adapters.ENGINES``; None: all) on ``net`` and
    ``data`` in ``dtype``, in the registry's order. Raises ``ArgumentError`` for an unknown
    dtype or engine, a weight or input that ``dtype`` would round, ``DataError`` when the data
    does not fit the network."""
    if dtype not in DTYPES:
        raise ArgumentError(f"`dtype` {dtype!r}: expected one of {', '.join(DTYPES)}")
    known = [e.name for e in ENGINES]
    unknown = [name for name in engines or () if name not in known]
    if unknown:
        raise ArgumentError(f"`engine` {unknown[0]!r}: unknown; expected one of {', '.join(known)}")
    data.check_fits(net.input_dim, net.output_dim)
    rounded = round_network(net, FLOATS[dtype])
    check_onnx_exact(net, rounded, ())
    X = _inputs(data, dtype)
    required = arithmetic(net, data.X).holds(target_name(dtype))
    chosen = [e for e in ENGINES if engines is None or e.name in engines]
    with tempfile.TemporaryDirectory(prefix="exactnet-engines-") as tmp:
        model, inputs = Path(tmp) / "network.onnx", Path(tmp) / "x.npy"
        model.write_bytes(onnx_format.model_bytes(rounded))
        np.save(inputs, X)
        return [_one(e, model, inputs, data, required, timeout, Path(tmp)) for e in chosen]


def _inputs(data: Dataset, dtype: str) -> np.ndarray:
    """The inputs as a ``dtype`` array; ``ArgumentError`` naming the first that would round."""
    numpy_type = FLOATS[dtype].dtype
    X = np.array([[float(v) for v in x] for x in data.X], dtype=np.float64).astype(numpy_type)
    for n, (x, row) in enumerate(zip(data.X, X.tolist()), start=1):
        for k, (v, f) in enumerate(zip(x, row), start=1):
            if Q(f) != v:
                raise ArgumentError(f"row {n}, input column {k}: {to_text(v)} is not a {dtype} number, so the "
                                    "engines would run on other inputs")
    return X


def _one(e: Engine, model: Path, inputs: Path, data: Dataset, required: bool, timeout: float,
         tmp: Path) -> EngineResult:
    base = {"engine": e.name, "version": e.version(), "settings": e.settings, "required": required,
            "lowers_precision": e.lowers_precision}
    if base["version"] is None:
        return EngineResult(status="not installed", **base)
    out = tmp / f"{e.name}.npy"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "exactnet.engines.child", e.name, str(model), str(inputs), str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return EngineResult(status=f"timed out after {timeout:g} s", points=data.n, **base)
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or not out.exists():
        said = Path(str(out) + ".err")
        why = said.read_text() if said.exists() else _last_line(err) or f"exit code {proc.returncode}"
        return EngineResult(status=f"crashed: {why}", points=data.n, seconds=seconds, **base)
    got = np.load(out)
    if got.shape != (data.n, data.outputs):
        return EngineResult(status=f"crashed: outputs of shape {got.shape}, expected {(data.n, data.outputs)}",
                            points=data.n, seconds=seconds, **base)
    wrong, worst, first = 0, Fraction(0), None
    for n, (row, want) in enumerate(zip(got.astype(np.float64).tolist(), data.Y)):
        if all(np.isfinite(v) and Q(v) == y for v, y in zip(row, want)):
            continue
        wrong += 1
        diff = max((abs(Fraction(v) - Fraction(int(y.numerator), int(y.denominator))) if np.isfinite(v) else None
                    for v, y in zip(row, want)), key=lambda d: (d is None, d or 0))
        worst = diff if diff is None or worst is None else max(worst, diff)
        if first is None:
            first = (n, tuple(to_text(y) for y in want), tuple(repr(v) for v in row))
    status = "exact" if wrong == 0 else "not exact"
    return EngineResult(status=status, points=data.n, wrong=wrong, worst=worst if wrong else Fraction(0),
                        first=first, seconds=seconds, **base)


def _last_line(err: bytes) -> str:
    lines = err.decode(errors="replace").strip().splitlines()
    return lines[-1][:160] if lines else ""
