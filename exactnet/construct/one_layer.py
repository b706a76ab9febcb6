"""The classical one-hidden-layer baseline: N points, N - 1 hidden neurons, any output count.

After the same projection t = w.x (``projection.project``), sort t_0 < ... < t_{N-1}. The
network is ``y(x) = y_0 + sum_k s_k relu(t - tau_k)``, a continuous piecewise-linear function of
t, constant y_0 up to the first break; the output weights s_k are the successive differences
of its slopes (one column per output, the breaks shared).

The breaks are simplest rationals (``simplest.simplest_between``) inside the gaps between
consecutive t, two in every other gap: t_0 sits on the constant piece, t_1 and t_2 on one line
(their chord), t_3 and t_4 on the next, and so on; in the gap before t_j (j odd) the breaks
tau_a < tau_b join the previous line at tau_a to the next one at tau_b. A last point left
alone (N even) gets one break before it and the line from there to it. That is N - 1 breaks,
and every slope depends on two or three neighbouring points only, so bit sizes stay bounded as
N grows. (One break per gap would chain every slope to all earlier ones: each step adds about
log2 of a gap to the denominators, thousands of bits for a few hundred points.)

A single point gets one hidden neuron with zero output weights and the output bias y_0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from exactnet.construct.assembly import provenance
from exactnet.construct.knots import one_hidden_layer
from exactnet.construct.projected import sort_by_projection
from exactnet.construct.simplest import simplest_between
from exactnet.data.dataset import Dataset
from exactnet.network import Network
from exactnet.rational import Q


def build_one_layer(data: Dataset, seed: int = 0) -> Network:
    """A network d -> max(N - 1, 1) -> m that returns every output row of ``data`` exactly.
    Deterministic for a given ``seed``. Cost: O(N d) projection, O(N log N) sort, O(N m)
    exact operations."""
    start = time.perf_counter()
    sort = sort_by_projection(data, seed)
    proj, t, ys = sort.projection, sort.t, sort.ys
    taus, slopes = breaks(t, ys)
    m = data.outputs
    if not taus:  # one point: a neuron the output ignores
        taus, slopes = [t[0]], [[Q(0)] * m]
    net = one_hidden_layer([Q(x) for x in proj.w], taus, slopes, ys[0])
    return net.with_meta(
        construction="one-hidden-layer",
        hidden=len(taus),
        outputs=m,
        **provenance(data, proj, None, None, seed, start),
    )


def breaks(t: Sequence[Any], ys: Sequence[Sequence[Any]]) -> tuple[list[Any], list[list[Any]]]:
    """Breaks tau_1 < ... < tau_{N-1} and, after each, the slope vector (one per output) of the
    interpolant through (t_k, ys[k]) for ascending ``t`` (see the module docstring)."""
    n, m = len(t), len(ys[0])
    taus: list[Any] = []
    slopes: list[list[Any]] = []
    at, value, slope = t[0], list(ys[0]), [Q(0)] * m  # the current line: value at ``at``, slope
    for j in range(1, n, 2):
        lo = simplest_between(t[j - 1], t[j])
        start = [v + s * (lo - at) for v, s in zip(value, slope)]  # current line at lo
        taus.append(lo)
        if j + 1 == n:  # the last point alone: straight from lo to it
            slopes.append([(y - v) / (t[j] - lo) for y, v in zip(ys[j], start)])
            break
        hi = simplest_between(lo, t[j])
        chord = [(b - a) / (t[j + 1] - t[j]) for a, b in zip(ys[j], ys[j + 1])]
        end = [y + c * (hi - t[j]) for y, c in zip(ys[j], chord)]  # the chord's line at hi
        taus.append(hi)
        slopes.append([(b - a) / (hi - lo) for a, b in zip(start, end)])
        slopes.append(chord)
        at, value, slope = t[j], list(ys[j]), chord
    return taus, slopes
