"""The general exact evaluator: any network, any rational data, every number exact.

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
* ``"flint"`` (the default; python-flint is a required dependency): each product runs in
  FLINT. Small results come from one matrix product; when the activations are small and the weights wide
  (the second layer of a memorizing network), each neuron is one matrix-vector product, which
  FLINT runs classically in time linear in the weights' size. When a linear row's common
  denominator dwarfs its terms' (a last layer reading many neurons with different ``D_o``),
  the row is summed as a balanced tree over its terms, clearing denominators pairwise (lcm of
  two at a time): the same integers, with operands of balanced size instead of one huge
  common multiplier per term.

Cost: one block of ``B`` points through a layer with ``m`` inputs and ``a`` outputs takes
``B * m * a`` integer products of the entries' sizes; the tree takes ``O(log m)`` rounds of
``B * m`` products of balanced operands, the last of half the common denominator's size.

This module imports nothing from ``exactnet.construct``; ``verify`` uses it for networks the
dyadic and piecewise paths do not cover, and export and analysis for exact outputs and
pre-activations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

import flint

from exactnet.errors import ArgumentError
from exactnet.network import Layer, Network
from exactnet.progress import Progress
from exactnet.verifier.blocks import run_blocks
from exactnet.verifier.outputs import Outputs

BLOCK = 1000  # most points evaluated at once (bounds memory: a block's activations live together)
ENGINES = ("flint", "python")


def evaluate_all(net: Network, X: Sequence[Sequence[Any]], *, engine: str = "flint",
                 progress: Progress | None = None, jobs: int = 1) -> list[tuple[Fraction, ...]]:
    """Exact outputs of ``net`` for every row of ``X`` (rationals), as Fractions.

    ``engine`` "flint" or "python" and ``jobs`` as in ``verify``; ``progress(done, total)``
    counts points."""
    return [y for block in run(Plan(net, engine), X, progress, jobs) for y in block.fractions()]


def preactivations(net: Network, X: Sequence[Sequence[Any]], *,
                   engine: str = "flint") -> list[list[tuple[Fraction, ...]]]:
    """``out[k][n]``: the exact pre-activation vector of layer k + 1 at input ``X[n]`` (Fractions);
    the last entry is the network's output. Each layer's values come from ``evaluate_all`` on
    the network cut after that layer (its activation made linear)."""
    out = []
    for k, last in enumerate(net.layers, start=1):
        head = net.layers[: k - 1] + (Layer(last.weights, last.bias, "linear"),)
        out.append(evaluate_all(Network(head), X, engine=engine))
    return out


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


class Plan:
    """The network as integer layers (data independent, so prepared once and shared)."""

    def __init__(self, net: Network, engine: str) -> None:
        if engine not in ENGINES:
            raise ArgumentError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
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

def run(plan: Plan, X: Sequence[Sequence[Any]], progress: Progress | None, jobs: int,
        client: Any = None) -> list[Outputs]:
    """The exact outputs of every block, in data order (``blocks.run_blocks``: here, in ``jobs``
    worker processes, or one task per block on ``client``'s dask cluster)."""
    n = len(X)
    rows = [tuple((int(v.numerator), int(v.denominator)) for v in x) for x in X]
    jobs = max(1, min(int(jobs), n))
    size = min(BLOCK, max(64, -(-n // (4 * jobs)))) if jobs > 1 else BLOCK
    blocks = [(s, min(s + size, n)) for s in range(0, n, size)]
    state = {"plan": plan, "rows": rows}
    return run_blocks(_block, state, blocks, points=lambda b: b[1] - b[0], total=n, progress=progress,
                      jobs=jobs if len(blocks) > 1 else 1, client=client) or []


def _block(state: dict[str, Any], bounds: tuple[int, int]) -> Outputs:
    """The exact outputs of points ``start..end-1``."""
    start, end = bounds
    rows = state["rows"][start:end]
    r = [math.lcm(*(d for _, d in x)) for x in rows]
    A = [[n * (rn // d) for n, d in x] + [rn] for x, rn in zip(rows, r)]
    outs = _forward(state["plan"], A, r)  # per output o: (V_o, L_o) with value V_o[k] / (r[k] * L_o)
    numerators = [[int(V[k]) for V, _ in outs] for k in range(len(rows))]
    return Outputs(numerators, tuple(int(L) for _, L in outs), r)


def _forward(plan: Plan, A: list[list[int]], r: list[int]) -> list[tuple[list[Any], int]]:
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
