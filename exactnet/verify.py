"""Independent exact verification: evaluate a stored network on stored data, layer by layer.

Every certificate also says in which arithmetics the network is exact on the data
(``span``: the binary64 and int64 verdicts and the bit spans). Dyadic networks are evaluated
by ``verify_dyadic`` (float64 matrix products where the binary64 certificate proves them exact,
prefix sums when the first-layer rows are multiples of one row, exact integers otherwise);
other networks whose first-layer rows are multiples of one row by ``verify_piecewise`` (exact
interpolation between the breakpoints of y = F(w . x)); all others by the general exact
evaluator (``evaluate``). This module imports nothing from ``exactnet.construct``.

Trusted base (every exactnet module this one reaches by its own imports, checked by a test):
``blocks`` (blocks of points here, in worker processes or as dask tasks), ``dataset`` (reading
and validating rows; the CLI's verify keeps every row of a file), ``errors``, ``evaluate`` (the
general exact evaluator), ``integer_rows`` (integer inputs as one array, and its exact sums of
products), ``network`` (layers and the file format), ``output_range`` (the breakpoint sweep),
``rational``, ``span``, ``verify_dyadic``, ``verify_piecewise`` and ``verify_prefix``.

The certificate records the SHA-256 of the network's layers and of the data, N, and the exact
maximum absolute error over all points and outputs (0 exactly when every output matches).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactnet import span, verify_dyadic, verify_piecewise
from exactnet.dataset import Dataset
from exactnet.evaluate import Failure, Plan, Progress, general, run, tally
from exactnet.network import Network
from exactnet.rational import to_text


@dataclass(frozen=True)
class Certificate:
    exact: bool
    points: int
    outputs: int
    max_error: Fraction
    failed: int  # number of points with at least one wrong output
    failures: tuple[Failure, ...]  # the first few, in data order
    network_sha256: str
    data_sha256: str
    engine: str
    arithmetic: span.Arithmetic  # the binary64 / int64 verdicts and spans

    def to_json(self) -> dict[str, Any]:
        return {
            "arithmetic": self.arithmetic.to_json(),
            "exact": self.exact,
            "points": self.points,
            "outputs": self.outputs,
            "max_error": to_text(self.max_error),
            "failed_points": self.failed,
            "network_sha256": self.network_sha256,
            "data_sha256": self.data_sha256,
            "engine": self.engine,
        }


def network_digest(net: Network) -> str:
    """SHA-256 of the network's layers in their canonical JSON form (meta data excluded)."""
    layers = net.to_json()["layers"]
    return hashlib.sha256(json.dumps(layers, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def verify(net: Network, data: Dataset, *, engine: str | None = None, keep: int = 10,
           progress: Progress | None = None, jobs: int = 1, client: Any = None) -> Certificate:
    """Evaluate ``net`` exactly on every input of ``data`` and compare with its outputs.

    ``keep`` bounds how many failures are listed (all are counted). The certificate also says
    whether float64 and int64 evaluation are exact (``span``), for any network and data.
    ``engine``: None picks by what the network and data allow (``verify_dyadic``'s float64
    path when the binary64 certificate holds, else its prefix-sum path when every first-layer
    row is a multiple of one row, else its integer path for dyadic networks; for other networks
    ``verify_piecewise`` when every first-layer row is a multiple of one row, FLINT otherwise);
    "float64", "prefix" and "integer" start that far down the dyadic list, "piecewise" that far
    down the other, "flint" and "python" ask for the general evaluator.
    ``Certificate.engine`` names the path that ran. ``client`` (a ``dask.distributed.Client``)
    runs every block as a task on its cluster instead; the certificate is the same.
    ``jobs`` > 1 splits the blocks of points over that many local worker processes
    (``blocks.run_blocks``: a script calls this under ``if __name__ == "__main__":``); the
    certificate is identical for every ``jobs`` and with ``client``. The piecewise path's sweep
    along t runs in this process (O(N log N)); only its bit-span certificate uses them. Exact: no
    number is ever rounded. ``progress(done, total)`` is called with the number of points
    evaluated so far. Raises ``DataError`` when the
    network's input or output size does not fit the data (``Dataset.check_fits``), ``ValueError``
    for an unknown engine.
    """
    data.check_fits(net.input_dim, net.output_dim)
    engine = _engine(engine)
    Y = [tuple((int(w.numerator), int(w.denominator)) for w in y) for y in data.Y]
    g, _ = span.grids(net, data.X)
    if g is not None and engine in ("float64", "prefix", "integer"):
        arithmetic, outputs, engine = verify_dyadic.evaluate(net, data.X, g, use_float=engine == "float64",
                                                             use_prefix=engine != "integer", progress=progress,
                                                             jobs=jobs, client=client)
        parts = _compare(outputs, Y, keep)
    elif engine in ("float64", "prefix", "integer", "piecewise") and verify_piecewise.applies(net):
        engine = "piecewise"
        arithmetic = verify_dyadic.certificate(net, data.X, client, jobs)
        got = verify_piecewise.outputs(net, data.X, progress)
        parts = [tally(((n, tuple(Fraction(int(v.numerator), int(v.denominator)) for v in y), Y[n])
                         for n, y in enumerate(got) if any(v * q != p for v, (p, q) in zip(y, Y[n]))), keep)]
    else:
        engine = general(engine)
        arithmetic = verify_dyadic.certificate(net, data.X, client, jobs)
        parts = run(Plan(net, engine), data.X, Y, keep, progress, jobs, client)
    failures: list[Failure] = []
    failed, worst = 0, Fraction(0)
    for part in parts:
        block_failed, block_worst, block_failures = part
        failed += block_failed
        worst = max(worst, block_worst)
        failures.extend(block_failures[: keep - len(failures)])
    return Certificate(
        exact=failed == 0,
        points=data.n,
        outputs=data.outputs,
        max_error=worst,
        failed=failed,
        failures=tuple(failures),
        network_sha256=network_digest(net),
        data_sha256=data.digest(),
        engine=engine,
        arithmetic=arithmetic,
    )


def _compare(outputs: Any, Y: list[tuple[tuple[int, int], ...]], keep: int) -> list[Any]:
    """Per block of exact outputs (``verify_dyadic.Outputs``): ``(failed, worst, failures)``."""
    parts, start = [], 0
    for block in outputs:
        unit = 1 << block.scale if block.scale >= 0 else 1
        down = 1 << -block.scale if block.scale < 0 else 1
        parts.append(tally(((start + k, tuple(Fraction(v * down, unit) for v in got), Y[start + k])
                             for k, got in enumerate(block.values)
                             if not all(v * down * q == p * unit for v, (p, q) in zip(got, Y[start + k]))), keep))
        start += len(block.values)
    return parts


def _engine(engine: str | None) -> str:
    general(engine)  # raises ValueError for an unknown name
    return engine or "float64"
