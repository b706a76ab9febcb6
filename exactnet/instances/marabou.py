"""Run Marabou (``maraboupy``, an optional extra: ``pip install ".[verify]"``) on one instance.

Marabou reads the ONNX file and the VNN-LIB 1.0 property file itself. Each run is a child
process killed at ``timeout`` plus a grace period: Marabou's own time limit is not checked in
every phase of its search.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from exactnet.errors import ArgumentError

GRACE = 5.0  # seconds past the time limit before the child process is killed


def available() -> bool:
    try:
        import maraboupy  # noqa: F401
    except ImportError:
        return False
    return True


def solve(onnx: str | Path, vnnlib: str | Path, timeout: float) -> tuple[str, list[float], list[float], float]:
    """Marabou's verdict ("sat", "unsat", "timeout" or "error"), for sat its point X and outputs
    Y (floats), and the wall time in seconds. Raises ``ArgumentError`` without maraboupy."""
    if not available():
        raise ArgumentError('running Marabou needs maraboupy: pip install ".[verify]"')
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    start = time.perf_counter()
    proc = ctx.Process(target=_child, args=(str(onnx), str(vnnlib), timeout, child), daemon=True)
    proc.start()
    child.close()
    result: tuple[str, list[float], list[float]] = ("timeout", [], [])
    if parent.poll(timeout + GRACE):
        try:
            result = parent.recv()
        except EOFError:  # the child died without an answer
            result = ("error", [], [])
    seconds = time.perf_counter() - start
    if proc.is_alive():
        proc.kill()
    proc.join()
    return (*result, seconds)


def _child(onnx: str, vnnlib: str, timeout: float, conn: Any) -> None:
    import warnings

    warnings.simplefilter("ignore")
    from maraboupy import Marabou

    net = Marabou.read_onnx(onnx)
    xs, ys = net.inputVars[0].flatten().tolist(), net.outputVars[0].flatten().tolist()
    options = Marabou.createOptions(timeoutInSeconds=max(1, int(timeout)), verbosity=0)
    code, vals, _ = net.solve(propertyFilename=vnnlib, options=options, verbose=False)
    if code == "sat":
        conn.send(("sat", [float(vals[v]) for v in xs], [float(vals[v]) for v in ys]))
    elif code in ("unsat", "TIMEOUT", "timeout"):
        conn.send((code.lower(), [], []))
    else:
        conn.send(("error", [], []))
    conn.close()
