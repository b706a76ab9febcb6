"""The certificate of a network on its data, and the choice of the path that evaluates it.

``verify`` tries the paths of the registry ``PATHS`` in order; each returns the exact outputs
as ``outputs.Outputs`` blocks, which ``outputs.compare`` checks against the data, and the
arithmetics the network is exact in on the data (``span.Arithmetic``). The certificate records
the SHA-256 of the network's layers and of the data, N, the path that ran and the exact
maximum absolute error over all points and outputs (0 exactly when every output matches).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError, require
from exactnet.network import Network
from exactnet.rational import to_text
from exactnet.verifier import general, piecewise, span
from exactnet.verifier.dyadic import Dyadic
from exactnet.verifier.general import Plan, Progress
from exactnet.verifier.outputs import Failure, Outputs, compare, exact_outputs


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
    arithmetic: span.Arithmetic  # the verdicts per arithmetic and the spans

    def __repr__(self) -> str:
        verdict = "exact" if self.exact else f"NOT exact on {self.failed:,} points, max error {self.max_error}"
        holds = ", ".join(t for t in span.TARGETS if t != "rational" and self.arithmetic.holds(t)) or "rational only"
        return f"Certificate({verdict}, {self.points:,} points, {self.engine} path, exact in: {holds})"

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


@dataclass(frozen=True)
class Path:
    """One evaluation path: its name, when it applies, and how it runs. ``run`` returns the
    certificate's arithmetic and the exact outputs in blocks, or None when the path turns out
    not to hold on the data (the float path on a block it cannot certify): the next path runs."""

    name: str
    applies: Callable[[Run], bool]
    run: Callable[[Run], tuple[span.Arithmetic, Iterable[Outputs]] | None]


class Run:
    """One verification's inputs and what the paths share, each computed at most once."""

    def __init__(self, net: Network, X: Sequence[Sequence[Any]], progress: Progress | None, jobs: int,
                 client: Any) -> None:
        self.net, self.X, self.progress, self.jobs, self.client = net, X, progress, jobs, client
        g, self.why = span.grids(net, X)
        self.dyadic = None if g is None else Dyadic(net, X, g, jobs=jobs, client=client)

    def arithmetic(self) -> span.Arithmetic:
        """The certificate for the paths that do not compute it on their way."""
        return span.Arithmetic.not_dyadic(self.why) if self.dyadic is None else self.dyadic.arithmetic()

    def general(self, engine: str) -> tuple[span.Arithmetic, Iterable[Outputs]]:
        return self.arithmetic(), general.run(Plan(self.net, engine), self.X, self.progress, self.jobs, self.client)


def _dyadic(r: Run) -> Dyadic:
    require(r.dyadic is not None, "a dyadic path runs only on a dyadic network and data")
    return cast(Dyadic, r.dyadic)


# The registry, in the order tried: a requested engine starts that far down the list, and the
# first path that applies and holds runs (the general evaluator always does).
PATHS = (
    Path("float32", lambda r: r.dyadic is not None and "binary32" not in r.dyadic.unrepresentable,
         lambda r: _dyadic(r).floats("binary32", r.progress)),
    Path("float64", lambda r: r.dyadic is not None and not r.dyadic.reason,
         lambda r: _dyadic(r).floats("binary64", r.progress)),
    Path("prefix", lambda r: r.dyadic is not None and r.dyadic.form is not None,
         lambda r: _dyadic(r).integers(prefix=True, progress=r.progress)),
    Path("integer", lambda r: r.dyadic is not None, lambda r: _dyadic(r).integers(prefix=False, progress=r.progress)),
    Path("piecewise", lambda r: piecewise.applies(r.net),
         lambda r: (r.arithmetic(), piecewise.blocks(r.net, r.X, r.progress))),
    Path("flint", lambda r: True, lambda r: r.general("flint")),
    Path("python", lambda r: True, lambda r: r.general("python")),
)
ENGINES = tuple(path.name for path in PATHS)


def verify(net: Network, data: Dataset, *, engine: str | None = None, keep: int = 10,
           progress: Progress | None = None, jobs: int = 1, client: Any = None) -> Certificate:
    """Evaluate ``net`` exactly on every input of ``data`` and compare with its outputs.

    ``keep`` bounds how many failures are listed (all are counted). The certificate also says
    in which arithmetics the network is exact on the data (``span.Arithmetic``), for any
    network and data. ``engine``: None tries every path of ``PATHS`` in order (float32 and
    float64 matrix products where their certificate holds on every block, prefix sums when
    every first-layer row of a dyadic network is a multiple of one row, the int64 form for
    other dyadic networks, the piecewise interpolation for rank-one networks with one or two
    hidden layers, FLINT otherwise); a path's name starts the list there ("python": the plain
    general evaluator).
    ``Certificate.engine`` names the path that ran. ``client`` (a ``dask.distributed.Client``)
    runs every block as a task on its cluster instead; ``jobs`` > 1 splits the blocks of points
    over that many local worker processes (``blocks.run_blocks``: a script calls this under
    ``if __name__ == "__main__":``); the certificate is identical every way. The piecewise
    path's sweep along t runs in this process (O(N log N)); only its bit-span certificate uses
    them. Exact: no number is ever rounded. ``progress(done, total)`` is called with the number
    of points evaluated so far. Raises ``DataError`` when the network's input or output size
    does not fit the data (``Dataset.check_fits``), ``ArgumentError`` for an unknown engine.
    """
    start = ENGINES.index(engine or ENGINES[0]) if engine in (None, *ENGINES) else _unknown(engine)
    data.check_fits(net.input_dim, net.output_dim)
    r = Run(net, data.X, progress, jobs, client)
    for path in PATHS[start:]:
        if path.applies(r) and (result := path.run(r)) is not None:
            arithmetic, blocks = result
            tally = compare(blocks, exact_outputs(data.Y), keep)
            return Certificate(
                exact=tally.failed == 0,
                points=data.n,
                outputs=data.outputs,
                max_error=tally.worst,
                failed=tally.failed,
                failures=tally.failures,
                network_sha256=network_digest(net),
                data_sha256=data.digest(),
                engine=path.name,
                arithmetic=arithmetic,
            )
    raise AssertionError("the general evaluator always applies")  # pragma: no cover


def _unknown(engine: str) -> int:
    raise ArgumentError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
