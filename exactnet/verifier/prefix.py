"""The second layer by prefix sums, for networks whose first-layer rows are multiples of one row.

In the int64 form of a dyadic network (``span.integer_layers``) let every first-layer row be
``alpha_u * w`` with ``w`` a primitive integer row and integers ``alpha_u``. Then with
``t = w . x`` each unit is ``relu(alpha_u t + b_u)``: on exactly when ``t >= tau_u`` (alpha_u > 0),
when ``t <= sigma_u`` (alpha_u < 0), always or never (alpha_u = 0), for integer thresholds. So

    z2_j(t) = c_j + sum over units on at t of W2[j, u] (alpha_u t + b_u)
            = C_j + t * A_j(t) + B_j(t)

with A, B prefix sums over the units sorted by threshold (suffix sums for alpha_u < 0): an exact
identity, costing O(a1 a2) to tabulate and O(a2) per point instead of O(a1 a2). The layer's
bound ``sum |W2||a| + |b|`` is the same identity with |W2|; as a sum of |W2| times relu of
affine functions of t it is convex in t, so its largest value over a block of points is at the
block's smallest or largest t, and only those two are evaluated. Layer 1's bound is
``|alpha_u| sum |w||x| + |b_u|``, largest at the largest ``sum |w||x|``.

Numbers are Python integers where they may exceed int64 and numpy int64 where a bound computed
beforehand proves every product and sum below 2^62; a table column with an entry beyond that
(a connector piece, which data reach only where two segments touch) sends just the blocks that
read it to Python integers. This module imports nothing from
``exactnet.construct``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactnet.data.integer_rows import INT_SAFE as SAFE
from exactnet.data.integer_rows import IntegerRows, fits
from exactnet.network import common_row


@dataclass(frozen=True)
class PrefixForm:
    """The first two integer layers as a projection and threshold tables."""

    w: tuple[int, ...]  # the primitive row
    alpha: tuple[int, ...]
    b1: tuple[int, ...]
    up: np.ndarray  # thresholds tau (ascending) of the units with alpha > 0
    down: np.ndarray  # thresholds sigma (ascending) of the units with alpha < 0
    tables: dict[str, tuple[_Table, _Table]]  # "A", "B", "absA", "absB": (prefix over up, suffix over
    # down), each a2 x (count + 1)
    const: np.ndarray  # C_j: bias plus the always-on units; "absconst" likewise with |W2|
    absconst: np.ndarray


def prefix_form(layers: Sequence[tuple[list[list[int]], list[int]]]) -> PrefixForm | None:
    """The tables for the first two integer layers ``(W, b)``, or None when some first-layer row
    is not an integer multiple of one primitive row (the general paths apply then)."""
    if len(layers) < 2:
        return None
    (W1, b1), (W2, b2) = layers[0], layers[1]
    found = common_row(W1)
    if found is None:
        return None
    base, k = found
    g = math.gcd(*base)
    w = [v // g for v in base]
    if any(row[k] % w[k] for row in W1):  # a multiple, but not an integer one, of the primitive row
        return None
    alpha = [row[k] // w[k] for row in W1]
    ups = sorted((_tau(a, b), u) for u, (a, b) in enumerate(zip(alpha, b1)) if a > 0)
    downs = sorted((_sigma(a, b), u) for u, (a, b) in enumerate(zip(alpha, b1)) if a < 0)
    always = [u for u, (a, b) in enumerate(zip(alpha, b1)) if a == 0 and b > 0]
    tables: dict[str, Any] = {}
    for name, weights in (("", W2), ("abs", [[abs(v) for v in row] for row in W2])):
        A_up = _prefix([[row[u] * alpha[u] for _, u in ups] for row in weights])
        B_up = _prefix([[row[u] * b1[u] for _, u in ups] for row in weights])
        A_dn = _suffix([[row[u] * alpha[u] for _, u in downs] for row in weights])
        B_dn = _suffix([[row[u] * b1[u] for _, u in downs] for row in weights])
        tables[name + "A"] = (_Table(A_up), _Table(A_dn))
        tables[name + "B"] = (_Table(B_up), _Table(B_dn))
    const = [bj + sum(row[u] * b1[u] for u in always) for row, bj in zip(W2, b2)]
    absconst = [abs(bj) + sum(abs(row[u]) * b1[u] for u in always) for row, bj in zip(W2, b2)]
    return PrefixForm(tuple(w), tuple(alpha), tuple(b1), _arr([t for t, _ in ups]), _arr([s for s, _ in downs]),
                      tables, _arr(const), _arr(absconst))


def _tau(a: int, b: int) -> int:
    """The smallest integer t with a t + b > 0 (a > 0)."""
    return (-b) // a + 1


def _sigma(a: int, b: int) -> int:
    """The largest integer t with a t + b > 0 (a < 0), i.e. t |a| <= b - 1."""
    return (b - 1) // (-a)


def _prefix(rows: list[list[int]]) -> list[list[int]]:
    out = []
    for row in rows:
        acc, line = 0, [0]
        for v in row:
            acc += v
            line.append(acc)
        out.append(line)
    return out


def _suffix(rows: list[list[int]]) -> list[list[int]]:
    return [list(reversed(line)) for line in _prefix([list(reversed(row)) for row in rows])]


class _Table:
    """A table of Python integers, with an int64 copy for the columns whose entries all fit."""

    def __init__(self, rows: list[list[int]]) -> None:
        self.exact = np.array(rows, dtype=object)
        width = self.exact.shape[1] if self.exact.ndim == 2 else 0
        big = [any(abs(v) >= SAFE for v in self.exact[:, c]) for c in range(width)]
        self.big = np.array(big, dtype=bool)
        small = np.where(self.big[None, :], 0, self.exact) if width else self.exact
        self.fast = small.astype(np.int64)

    def take(self, cols: np.ndarray) -> np.ndarray:
        """Columns ``cols`` (one per point): int64 when none of them holds a large entry."""
        if not self.big[cols].any():
            return self.fast[:, cols]
        return self.exact[:, cols]


def _arr(values: Any) -> np.ndarray:
    """int64 when every value fits comfortably, else Python integers (object)."""
    flat = np.array(values, dtype=object)
    if flat.size == 0 or max(abs(int(v)) for v in flat.ravel()) < SAFE:
        return flat.astype(np.int64)
    return flat


def second_layer(form: PrefixForm, X: list[list[int]], relu: bool) -> tuple[Any, int, int, Any]:
    """For integer inputs ``X`` (rows, on the input grid): the layer-2 activations (rows: points),
    the largest layer-1 bound, the largest layer-2 bound, and t per point."""
    t, top = _projected(form.w, X)
    bound1 = max(abs(a) * top + abs(b) for a, b in zip(form.alpha, form.b1))
    tmax = max((abs(int(v)) for v in t), default=0)
    t = _fit(t, tmax)
    pr = np.searchsorted(form.up, t, side="right") if len(form.up) else np.zeros(len(X), dtype=np.int64)
    pl = np.searchsorted(form.down, t, side="left") if len(form.down) else np.zeros(len(X), dtype=np.int64)
    Z = _evaluate(form, "", t, pr, pl)
    ends = [int(np.argmin(t)), int(np.argmax(t))]  # the bound is convex in t: largest at an end
    ends_t = np.array([int(t[i]) for i in ends], dtype=object)
    bound = _evaluate(form, "abs", ends_t, pr[ends], pl[ends])
    bound2 = int(bound.max()) if bound.size else 0
    H = np.maximum(Z, 0) if relu else Z
    return H.T, bound1, bound2, t


def _projected(w: tuple[int, ...], X: Any) -> tuple[np.ndarray, int]:
    """``t = x . w`` per row of ``X`` (an integer array, or lists of Python integers) and the
    largest ``sum |w||x|``, exactly (``IntegerRows.products`` on arrays)."""
    if isinstance(X, np.ndarray) and fits(X):
        rows = IntegerRows(X)
        t = rows.products(w)
        return np.asarray(t, dtype=np.int64 if isinstance(t, np.ndarray) else object), rows.reach(w)
    Xo = np.array(X, dtype=object).reshape(len(X), len(w))
    wo = np.array(w, dtype=object)
    reach = np.abs(Xo) @ np.abs(wo)
    return Xo @ wo, int(max(reach)) if len(reach) else 0


def _evaluate(form: PrefixForm, name: str, t: np.ndarray, pr: np.ndarray, pl: np.ndarray) -> np.ndarray:
    """``const + A t + B`` per neuron (rows) and point (columns), from the tables ``name``."""
    (A_up, A_dn), (B_up, B_dn) = form.tables[name + "A"], form.tables[name + "B"]
    A = _sum(A_up.take(pr), A_dn.take(pl))
    B = _sum(B_up.take(pr), B_dn.take(pl))
    const = form.const if name == "" else form.absconst
    return _safe_mul_add(np.broadcast_to(const[:, None], (len(const), len(t))), A, t, B)


def _sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b exactly (int64 arrays hold values below 2^62, so their sum fits)."""
    if a.dtype == object or b.dtype == object:
        return a.astype(object) + b.astype(object)
    return a + b


def _fit(t: np.ndarray, tmax: int) -> np.ndarray:
    return t.astype(np.int64) if tmax < SAFE else t


def _safe_mul_add(z: np.ndarray, A: np.ndarray, t: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``z + A * t + B`` exactly: in int64 when float estimates of every operand and of the
    result stay below 2^61 (a huge t times a zero A must not reach int64 either), else with
    Python integers."""
    mags = [_magnitude(a) for a in (z, A, t, B)]
    if max(mags) < 2.0**61:
        est = np.abs(z.astype(np.float64)) + np.abs(A.astype(np.float64)) * np.abs(t.astype(np.float64)) + \
            np.abs(B.astype(np.float64))
        if est.size == 0 or float(est.max()) < 2.0**61:
            return z.astype(np.int64) + A.astype(np.int64) * t.astype(np.int64) + B.astype(np.int64)
    return z.astype(object) + A.astype(object) * t.astype(object) + B.astype(object)


def _magnitude(a: np.ndarray) -> float:
    """The largest |entry| as a float (inf when beyond float range), 0 for an empty array."""
    if a.size == 0:
        return 0.0
    if a.dtype != object:
        return float(np.abs(a).max())
    return float(max(abs(int(v)) for v in a.ravel()))
