"""Independent exact verification: evaluate a stored network on stored data, layer by layer.

Every certificate also says in which arithmetics the network is exact on the data
(``span``: the binary64 and int64 verdicts and the bit spans). Dyadic networks are evaluated
by ``verify_dyadic`` (float64 matrix products where the binary64 certificate proves them exact,
prefix sums when the first-layer rows are multiples of one row, exact integers otherwise);
other networks whose first-layer rows are multiples of one row by ``verify_piecewise`` (exact
interpolation between the breakpoints of y = F(w . x)); all others by the general evaluator
below. This module imports nothing from ``exactnet.construct``.

Trusted base (every exactnet module this one reaches by its own imports, checked by a test):
``dataset`` (reading and validating rows; the CLI's verify keeps every row of a file),
``errors``, ``network`` (layers and the file format), ``output_range`` (the breakpoint sweep),
``rational``, ``span``, ``verify_dyadic``, ``verify_piecewise`` and ``verify_prefix``.

The general evaluator takes points in blocks (at most ``BLOCK`` at a time, so memory stays
bounded), optionally spread over worker processes; the certificate does not depend on how the
work was split.

Activations are kept as integers with a denominator per point and per neuron,
``H[n, i] = Hn[n, i] / (r[n] * c[i])``. A layer folds the column denominators into its
weights, clears each weight row (bias appended) to integers with its least common denominator
``D_o`` and multiplies exactly, ``P = [Hn | r] @ Wn^T``, so the layer's output is
``P[n, o] / (r[n] * D_o)``: the sign of ``P`` is the sign of the output, and relu needs no
division. Everything is an integer; nothing is rounded.

Two engines compute the same integers:

* ``"python"``: the plain evaluator, every product a sum of Python integer products.
* ``"flint"`` (the default; python-flint is a required dependency): each product runs in FLINT. Small
  results come from one matrix product; when the activations are small and the weights wide
  (the second layer of a memorizing network), each neuron is one matrix-vector product, which
  FLINT runs classically in time linear in the weights' size. When a linear row's common
  denominator dwarfs its terms' (a last layer reading many neurons with different ``D_o``),
  the row is summed as a balanced tree over its terms, clearing denominators pairwise (lcm of
  two at a time): the same integers, with operands of balanced size instead of one huge
  common multiplier per term.

Cost: one block of ``B`` points through a layer with ``m`` inputs and ``a`` outputs takes
``B * m * a`` integer products of the entries' sizes; the tree takes ``O(log m)`` rounds of
``B * m`` products of balanced operands, the last of half the common denominator's size.

The certificate records the SHA-256 of the network's layers and of the data, N, and the exact
maximum absolute error over all points and outputs (0 exactly when every output matches).
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import flint
from gmpy2 import mpq as _mpq

from exactnet import span, verify_dyadic, verify_piecewise
from exactnet.dataset import Dataset
from exactnet.network import Layer, Network
from exactnet.rational import to_text

Progress = Callable[[int, int], None]
BLOCK = 1000  # most points evaluated at once (bounds memory: a block's activations live together)


@dataclass(frozen=True)
class Failure:
    """One point whose output differs: data index (0-based), expected, got, got - expected."""

    index: int
    expected: tuple[Fraction, ...]
    got: tuple[Fraction, ...]
    difference: tuple[Fraction, ...]


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
    ``jobs`` > 1 splits the general evaluator's points over that many worker processes
    (started by multiprocessing's forkserver or spawn method, so a script calls this under
    ``if __name__ == "__main__":``); the certificate is identical for every ``jobs``. Exact: no
    number is ever rounded. ``progress(done, total)`` is called with the number of points
    evaluated so far. Raises ``ValueError`` when the
    network's input or output size does not fit the data, or for an unknown engine.
    """
    if net.input_dim != data.dim:
        raise ValueError(f"network takes {net.input_dim} inputs but the data has {data.dim} input columns")
    if net.output_dim != data.outputs:
        raise ValueError(f"network gives {net.output_dim} outputs but the data has {data.outputs} output columns")
    engine = _engine(engine)
    Y = [tuple((int(w.numerator), int(w.denominator)) for w in y) for y in data.Y]
    g, _ = span.grids(net, data.X)
    if g is not None and engine in ("float64", "prefix", "integer"):
        arithmetic, outputs, engine = verify_dyadic.evaluate(net, data.X, g, use_float=engine == "float64",
                                                             use_prefix=engine != "integer", progress=progress,
                                                             client=client)
        parts = _compare(outputs, Y, keep)
    elif engine in ("float64", "prefix", "integer", "piecewise") and verify_piecewise.applies(net):
        engine = "piecewise"
        arithmetic = verify_dyadic.certificate(net, data.X, client)
        got = verify_piecewise.outputs(net, data.X, progress)
        parts = [_tally(((n, tuple(Fraction(int(v.numerator), int(v.denominator)) for v in y), Y[n])
                         for n, y in enumerate(got) if any(v * q != p for v, (p, q) in zip(y, Y[n]))), keep)]
    else:
        engine = _general(engine)
        arithmetic = verify_dyadic.certificate(net, data.X, client)
        parts = _run(_Plan(net, engine), data.X, Y, keep, progress, jobs, client)
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
        parts.append(_tally(((start + k, tuple(Fraction(v * down, unit) for v in got), Y[start + k])
                             for k, got in enumerate(block.values)
                             if not all(v * down * q == p * unit for v, (p, q) in zip(got, Y[start + k]))), keep))
        start += len(block.values)
    return parts


def evaluate_all(net: Network, X: Sequence[Sequence[Any]], *, engine: str | None = None,
                 progress: Progress | None = None, jobs: int = 1) -> list[tuple[Fraction, ...]]:
    """Exact outputs of ``net`` for every row of ``X`` (rationals), as Fractions.

    ``engine`` and ``jobs`` as in ``verify``; ``progress(done, total)`` counts points."""
    out: list[tuple[Fraction, ...]] = []
    for part in _run(_Plan(net, _general(_engine(engine))), X, None, 0, progress, jobs):
        out.extend(part)
    return out


def preactivations(net: Network, X: Sequence[Sequence[Any]], *,
                   engine: str | None = None) -> list[list[tuple[Fraction, ...]]]:
    """``out[k][n]``: the exact pre-activation vector of layer k + 1 at input ``X[n]`` (Fractions);
    the last entry is the network's output. Each layer's values come from ``evaluate_all`` on
    the network cut after that layer (its activation made linear)."""
    out = []
    for k, last in enumerate(net.layers, start=1):
        head = net.layers[: k - 1] + (Layer(last.weights, last.bias, "linear"),)
        out.append(evaluate_all(Network(head), X, engine=engine))
    return out


ENGINES = ("float64", "prefix", "integer", "piecewise", "flint", "python")


def _general(engine: str) -> str:
    """The general evaluator's engine for ``engine`` (the dyadic paths map to FLINT)."""
    return engine if engine in ("flint", "python") else "flint"


def _engine(engine: str | None) -> str:
    if engine is None:
        return "float64"
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    return engine


# -- the integer form of the network, prepared once -------------------------------------------

class _Rows:
    """One layer cleared to integers: ``Wn[o]`` = ``D[o] * [W[o, i] / c[i] ..., bias[o]]``."""

    def __init__(self, Wn: list[list[int]], D: list[int], relu: bool) -> None:
        self.Wn, self.D, self.relu = Wn, D, relu
        self.colmax = max(abs(w) for row in Wn for w in row)
        self._flint: dict[str, Any] = {}

    def flint(self, form: str) -> Any:
        """``Wn`` as FLINT matrices, made on first use: "T" (Wn^T), "cols" (one m x 1 per row)."""
        if form not in self._flint:
            if form == "T":
                self._flint[form] = flint.fmpz_mat(self.Wn).transpose()
            else:
                self._flint[form] = [flint.fmpz_mat([[w] for w in row]) for row in self.Wn]
        return self._flint[form]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_flint": {}}  # FLINT objects are rebuilt where they are used


class _Tree:
    """A linear layer summed term by term: for each output, the nonzero terms
    ``(input index, numerator, denominator)`` of ``W[o, i] / c[i]`` (index -1: the bias)."""

    def __init__(self, terms: list[list[tuple[int, int, int]]]) -> None:
        self.terms = terms


class _Plan:
    """The network as integer layers (data independent, so prepared once and shared)."""

    def __init__(self, net: Network, engine: str) -> None:
        self.engine = engine
        self.layers: list[_Rows | _Tree] = []
        c = [1] * net.input_dim
        for k, layer in enumerate(net.layers):
            last = k == len(net.layers) - 1
            fr = [[(int(w.numerator), int(w.denominator) * ci) for w, ci in zip(row, c)]
                  + [(int(b.numerator), int(b.denominator))] for row, b in zip(layer.weights, layer.bias)]
            fr = [[_reduced(n, d) for n, d in row] for row in fr]
            D = [math.lcm(*(d for _, d in row)) for row in fr]
            if engine == "flint" and last and any(_tree_pays(row, Do) for row, Do in zip(fr, D)):
                self.layers.append(_Tree([[(i if i < len(row) - 1 else -1, n, d) for i, (n, d) in enumerate(row)
                                           if n != 0] for row in fr]))
            else:
                Wn = [[n * (Do // d) for n, d in row] for row, Do in zip(fr, D)]
                self.layers.append(_Rows(Wn, D, layer.activation == "relu"))
            c = D


def _reduced(n: int, d: int) -> tuple[int, int]:
    g = math.gcd(n, d)
    return n // g, d // g


def _tree_pays(row: list[tuple[int, int]], D: int) -> bool:
    """True when the common denominator dwarfs the terms' own (pairwise clearing is cheaper)."""
    return D.bit_length() > 4 * max(d.bit_length() for _, d in row) + 64


# -- running blocks, in this process or in workers ---------------------------------------------

_state: dict[str, Any] = {}


def _run(plan: _Plan, X: Sequence[Sequence[Any]], Y: list[tuple[tuple[int, int], ...]] | None, keep: int,
         progress: Progress | None, jobs: int, client: Any = None) -> list[Any]:
    """Evaluate every block; one result per block, in data order (on ``client``'s dask cluster
    when given, one task per block)."""
    n = len(X)
    rows = [tuple((int(v.numerator), int(v.denominator)) for v in x) for x in X]
    jobs = max(1, min(int(jobs), n))
    size = min(BLOCK, max(64, -(-n // (4 * jobs)))) if jobs > 1 else BLOCK
    blocks = [(s, min(s + size, n)) for s in range(0, n, size)]
    state = {"plan": plan, "rows": rows, "Y": Y, "keep": keep}
    results = []
    done = 0
    if client is not None:
        [sent] = client.scatter([state], broadcast=True)  # a list: one future, keyed by content
        for b, future in zip(blocks, [client.submit(_block, b, sent, pure=False) for b in blocks]):
            results.append(future.result())
            if progress:
                progress(b[1], n)
        return results
    if jobs == 1 or len(blocks) == 1:
        for b in blocks:
            results.append(_block(b, state))
            done = b[1]
            if progress:
                progress(done, n)
        return results
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                      else "spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(state,)) as pool:
        for b, result in zip(blocks, pool.imap(_block, blocks)):
            results.append(result)
            done = b[1]
            if progress:
                progress(done, n)
    return results


def _init(state: dict[str, Any]) -> None:
    _state.update(state)


def _block(bounds: tuple[int, int], state: dict[str, Any] | None = None) -> Any:
    """Evaluate points ``start..end-1`` (``state``: this process's, or the worker's from ``_init``):
    a verify summary ``(failed, worst, failures)`` when outputs are known, else Fractions."""
    start, end = bounds
    state = state or _state
    plan, Y, keep = state["plan"], state["Y"], state["keep"]
    rows = state["rows"][start:end]
    r = [math.lcm(*(d for _, d in x)) for x in rows]
    A = [[n * (rn // d) for n, d in x] + [rn] for x, rn in zip(rows, r)]
    outs = _forward(plan, A, r)  # per output o: (V_o, L_o) with value V_o[k] / (r[k] * L_o)
    if Y is None:
        return [tuple(_fraction(V[k], r[k] * L) for V, L in outs) for k in range(len(rows))]
    return _tally(((start + k, tuple(_fraction(V[k], r[k] * L) for V, L in outs), want)
                   for k, want in enumerate(Y[start:end])
                   if not all(V[k] * q == p * r[k] * L for (V, L), (p, q) in zip(outs, want))), keep)


def _tally(mismatches: Any, keep: int) -> tuple[int, Fraction, list[Failure]]:
    """``(failed, worst, failures)`` from the points whose outputs differ, each given as
    ``(index, got, want)`` with ``want`` as (numerator, denominator) pairs; the first ``keep``
    are listed."""
    failed, worst, failures = 0, Fraction(0), []
    for index, got, want in mismatches:
        failed += 1
        expected = tuple(Fraction(p, q) for p, q in want)
        diff = tuple(g - e for g, e in zip(got, expected))
        worst = max(worst, *(abs(x) for x in diff))
        if len(failures) < keep:
            failures.append(Failure(index, expected, got, diff))
    return failed, worst, failures


def _fraction(n: Any, d: Any) -> Fraction:
    """n / d as a Fraction, reduced by GMP when available (large n, d)."""
    q = _mpq(int(n), int(d))
    return Fraction(int(q.numerator), int(q.denominator))


def _forward(plan: _Plan, A: list[list[int]], r: list[int]) -> list[tuple[list[Any], int]]:
    """All layers on one block. ``A`` rows end with ``r[n]``; returns per output (V_o, L_o),
    the output at point k being ``V_o[k] / (r[k] * L_o)``."""
    if plan.engine == "python":
        for layer in plan.layers:
            layer = cast(_Rows, layer)  # the python engine's plan holds only _Rows
            P = [[sum(a * w for a, w in zip(arow, wrow)) for wrow in layer.Wn] for arow in A]
            if layer.relu:
                P = [[v if v > 0 else 0 for v in row] for row in P]
            A = [row + [rn] for row, rn in zip(P, r)]
        return [([row[o] for row in A], Do) for o, Do in enumerate(layer.D)]
    M = flint.fmpz_mat(A)
    amax = max(max(map(abs, row)) for row in A)
    rcol = [flint.fmpz(v) for v in r]
    columns: list[list[Any]] = []
    for k, layer in enumerate(plan.layers):
        if isinstance(layer, _Tree):
            if k == 0:
                ents, m = M.entries(), M.ncols()
                columns = [ents[i::m] for i in range(m)]
            else:
                columns = columns + [rcol]
            return [_tree_sum(columns, terms, len(rcol)) for terms in layer.terms]
        if k > 0:
            flat: list[Any] = []
            for row in zip(*columns, rcol):
                flat.extend(row)
            M = flint.fmpz_mat(len(rcol), len(columns) + 1, flat)
        columns = _columns(M, amax, layer)
        if k == len(plan.layers) - 1:
            return [(col, Do) for col, Do in zip(columns, layer.D)]
        amax = max(max(max(col), -min(col)) for col in columns + [rcol])
    raise AssertionError("the last layer returns")  # pragma: no cover


# -- the integer kernels (FLINT) ------------------------------------------------------------------

_ZERO = flint.fmpz(0)


def _columns(M: Any, amax: Any, layer: _Rows) -> list[list[Any]]:
    """The columns of ``M @ Wn^T`` (relu applied for relu layers), as lists of FLINT integers.

    Small results come from one FLINT matrix product. When one factor is small and the other
    large (small activations, wide weights), each output is its own matrix-vector product:
    FLINT then runs the classical product, which is linear in the large operand's size,
    where the general product would work modulo as many primes as the result has words.
    ``amax`` bounds the absolute value of every entry of ``M``."""
    a = len(layer.Wn)
    bound = amax * M.ncols() * layer.colmax  # |entry of M @ Wn^T| <= bound
    if bound.bit_length() < 62 or min(amax.bit_length(), layer.colmax.bit_length()) > 128:
        ents = (M * layer.flint("T")).entries()
        columns = [ents[o::a] for o in range(a)]
    else:
        columns = [(M * col).entries() for col in layer.flint("cols")]
    if layer.relu:
        columns = [[v if v > 0 else _ZERO for v in col] for col in columns]
    return columns


def _tree_sum(columns: list[list[Any]], terms: list[tuple[int, int, int]], n: int) -> tuple[list[Any], int]:
    """``V[k] = sum_i columns[i][k] * num_i * (L / den_i)`` and ``L = lcm(den_i)``, summed as a
    balanced tree: two partial sums with denominators d1, d2 merge as
    ``V1 * (l / d1) + V2 * (l / d2)`` with ``l = lcm(d1, d2)``, so operands stay of balanced
    size. Index -1 reads the last column (r[k], for the bias). Each merge runs in FLINT."""
    items: list[tuple[Any, int]] = []
    for i, num, den in terms:
        vec = flint.fmpz_mat(n, 1, columns[i])
        items.append((vec if num == 1 else vec * flint.fmpz(num), den))
    if not items:
        return [_ZERO] * n, 1
    while len(items) > 1:
        merged = []
        for (v1, d1), (v2, d2) in zip(items[0::2], items[1::2]):
            g = math.gcd(d1, d2)
            m1, m2 = d2 // g, d1 // g
            merged.append((v1 * flint.fmpz(m1) + v2 * flint.fmpz(m2), d1 * m1))
        if len(items) % 2:
            merged.append(items[-1])
        items = merged
    return items[0][0].entries(), items[0][1]
