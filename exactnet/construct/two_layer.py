"""Inoue's Theorem 3: y(x) = d0 + sum_j v_j relu(c_j + sum_i W2[j,i] relu(w.x - b_i)).

Second-layer neuron j is a continuous piecewise-linear function g_j of t = w.x, described by
its values G[j][i] at the knots. Neuron j switches on at the j-th listed point of every
segment and stays on for the later listed points; v_j alternates +1, -1, ... and d0 lies
below every output, so on the j-th listed point the active neurons are exactly 1..j and each
new neuron pays the residual its predecessors leave.

Every knot value of neuron j is affine in one free number u = -c_j > 0; each constraint
(sign at a knot, zero crossing between listed points, slope overshoot for the next residual)
is a lower bound on u, and u is the smallest integer above all of them. Per-segment
accumulators (A_i + S_i t) hold the sum of the earlier neurons, so the whole second layer
costs O(N) exact operations. Every number is exact (``rational.Q``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from exactnet.construct.segments import Segments
from exactnet.construct.simplest import simplest_below, simplest_in_middle
from exactnet.errors import require
from exactnet.rational import Q


@dataclass(frozen=True)
class SecondLayer:
    """Knot values per second-layer neuron (``values[j]`` has one entry per knot of
    ``Segments.knots``), output weights ``v`` and output bias ``d0``."""

    values: tuple[tuple[Any, ...], ...]
    v: tuple[Any, ...]
    d0: Any


def second_layer(t: Sequence[Any], y: Sequence[Any], seg: Segments, a2: int,
                 progress: Callable[[int, int], None] | None = None) -> SecondLayer:
    """Build the a2 second-layer neurons for ascending ``t`` with outputs ``y`` (same order).

    Requires every segment to hold at most ``a2`` points. Neurons beyond the longest segment
    are constant -1 (inactive everywhere). ``progress(done, a2)`` is called after each neuron.
    """
    b = seg.knots
    d0 = simplest_below(min(y))
    A = [Q(0)] * seg.count  # earlier neurons' summed output on segment i: A_i + S_i * t
    S = [Q(0)] * seg.count
    longest = max(len(p) for p in seg.parts)
    values = []
    v = []
    for j in range(a2):
        vj = 1 if j % 2 == 0 else -1
        v.append(Q(vj))
        if j >= longest:
            values.append(tuple(Q(-1) for _ in b))
            if progress:
                progress(j + 1, a2)
            continue
        G = _neuron(j, vj, t, y, seg, d0, A, S)
        values.append(G)
        for i, listed in enumerate(seg.parts):
            if j < len(listed) - 1:  # later listed points of this segment still need A, S
                slope = (G[i + 1] - G[i]) / (b[i + 1] - b[i])
                A[i] += vj * (G[i] - slope * b[i])
                S[i] += vj * slope
        if progress:
            progress(j + 1, a2)
    return SecondLayer(tuple(values), tuple(v), d0)


def _neuron(j: int, vj: int, t: Sequence[Any], y: Sequence[Any], seg: Segments, d0: Any,
            A: list[Any], S: list[Any]) -> tuple[Any, ...]:
    """Knot values of neuron j. G_i = R_i - P_i * u with u = -c_j > 0; |P_i| u grows |G_i|.

    Each constraint reads ``u > (need - sgn R_i) / |P_i|``; u is the smallest integer above all
    of them and 0, i.e. one more than the largest floor. The floors are taken on integer
    numerator/denominator pairs (cross-multiplied, never reduced): the same u, no gcds."""
    b = seg.knots
    R, P = Q(0), Q(1)
    Rs, Ps = [R], [P]
    top = 0  # u - 1: the largest floor seen
    for i, listed in enumerate(seg.parts):
        sgn = -1 if i % 2 == 0 else 1  # sign of G_i: rising segments start negative
        lo, hi = b[i], b[i + 1]
        needs: list[tuple[Any, Any]] = [(0, 1)]  # lower bounds on |G_i| as (numerator, denominator > 0)
        if j < len(listed):
            p, yp = t[listed[j]], y[listed[j]]
            q = vj * (yp - d0 - A[i] - S[i] * p)
            require(q > 0, "residual must be positive (construction invariant)")
            prev = t[listed[j - 1]] if j > 0 else (hi if sgn > 0 else None)
            if prev is not None:  # zero crossing between the previous listed point and p
                f = abs(prev - lo) / abs(p - prev)  # small: a ratio of knots and inputs
                needs.append((q.numerator * f.numerator, q.denominator * f.denominator))
            if j + 1 < len(listed):  # slope overshoot: next residual gets the sign of v_{j+1}
                pn = t[listed[j + 1]]
                dt = pn - p
                K = (p - lo) * vj * (y[listed[j + 1]] - yp - S[i] * dt) / dt
                # -sgn * (K - q)
                needs.append((-sgn * (K.numerator * q.denominator - q.numerator * K.denominator),
                              K.denominator * q.denominator))
            alpha = -(hi - p) / (p - lo)
            beta = q * (1 - alpha)
        else:  # no listed point: stay off on the whole segment, cross zero in a gap
            if sgn < 0:
                z = simplest_in_middle(t[listed[-1]], hi)
            else:
                z = simplest_in_middle(lo, t[listed[-1]])
            alpha = (z - hi) / (z - lo)
            beta = Q(0)
        # |G_i| = sgn * (R - P u) > need  <=>  u > (need - sgn R) / |P|
        Rn, Rd = R.numerator, R.denominator
        Pn, Pd = abs(P.numerator), P.denominator
        for nn, nd in needs:
            top = max(top, ((nn * Rd - sgn * Rn * nd) * Pd) // (nd * Rd * Pn))
        R, P = alpha * R + beta, alpha * P
        Rs.append(R)
        Ps.append(P)
    u = Q(top + 1)
    return tuple(r - p * u for r, p in zip(Rs, Ps))

