"""Verification through the outputs as a piecewise-linear function of one projection.

When every first-layer row is a multiple of one row ``w`` and there are one or two hidden
layers, the network is ``y = F(w . x)`` with F continuous and linear between the breakpoints
that ``output_range`` finds (the first layer's knots and the second layer's zero crossings) over
the data's bounding box, which contains every data point's ``t = w . x``. So the exact output
at a point is the exact linear interpolation of F's values at the two breakpoints around its
``t`` (or the value at ``t`` itself): an identity, no rounding.

Cost: the sweep (O(a1 a2 m) plus O(m) per breakpoint) and, per point, d products for ``t``, a
binary search and m interpolations, instead of O(a1 a2) products per point. It is the path for
networks whose numbers are not dyadic (Theorem 3's rationals), where the integer and float paths
do not apply.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from exactnet.data.integer_rows import IntegerRows
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.verifier.outputs import Outputs
from exactnet.verifier.sweep import output_range, rank_one


def applies(net: Network) -> bool:
    """Whether the path applies: one or two hidden layers, first-layer rows multiples of one row."""
    return len(net.layers) in (2, 3) and rank_one(net) is not None


def outputs(net: Network, X: Sequence[Sequence[Any]], progress: Callable[[int, int], None] | None = None,
            every: int = 4096) -> Iterator[tuple[Any, ...]]:
    """The exact output at every row of ``X`` (exact rationals), in order. Requires ``applies``."""
    if isinstance(X, IntegerRows):  # the bounding box from the array, without a rational per cell
        lower, upper = ([Q(int(v)) for v in f(X.array, axis=0)] for f in (np.min, np.max))
    else:
        columns = list(zip(*X))
        lower, upper = [min(c) for c in columns], [max(c) for c in columns]
    r = output_range(net, lower, upper)
    ts, values, w = r.ts, r.values, r.w
    for n, x in enumerate(X, start=1):
        t = sum((a * b for a, b in zip(w, x)), Q(0))
        i = bisect.bisect_left(ts, t)
        if ts[i] == t:
            yield values[i]
        else:
            f = (t - ts[i - 1]) / (ts[i] - ts[i - 1])
            yield tuple(a + (b - a) * f for a, b in zip(values[i - 1], values[i]))
        if progress is not None and (n % every == 0 or n == len(X)):
            progress(n, len(X))


def blocks(net: Network, X: Sequence[Sequence[Any]], progress: Callable[[int, int], None] | None = None,
           size: int = 4096) -> Iterator[Outputs]:
    """``outputs`` in blocks of ``size`` consecutive points (``Outputs``)."""
    values = outputs(net, X, progress, every=size)
    while chunk := list(itertools.islice(values, size)):
        yield Outputs.rationals(chunk, net.output_dim)
