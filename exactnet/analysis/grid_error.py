"""The measured error of a one-input network against f on a float64 grid.

A measurement with float64 resolution (about 1e-15 relative), not a proof: f is evaluated by
numpy, the network from its exact linear pieces on [a, b] (``output_range``), each piece's slope
and intercept rounded to float64 once.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from exactnet.analysis.enclosure import ApproxError
from exactnet.analysis.expr import Expr, evaluate
from exactnet.construct.knots import chord_slopes
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.verifier.sweep import output_range

MAX_GRID = 2_000_000
_NP_FUNCTIONS: dict[str, Callable[[Any], Any]] = {"exp": np.exp, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
                                                  "log": np.log, "sqrt": np.sqrt}


def measure(e: Expr, net: Network, a: Fraction, b: Fraction, points: int) -> float:
    """Max |f(x) - net(x)| over ``points`` equally spaced x in [a, b], in float64, for a network
    1 -> ... -> 1 whose hidden layers ``output_range`` handles. Raises ``ApproxError`` when f is
    not finite in float64 somewhere on the grid."""
    r = output_range(net, [a], [b])
    ts, ys = r.ts, [v[0] for v in r.values]
    # piece k >= 1 is (ts[k-1], ts[k]]; piece 0 is ts[0] itself, where the value is ys[0]
    slopes = [Q(0), *chord_slopes(ys, ts)]
    intercepts = [ys[0], *(y - s * t for y, s, t in zip(ys[1:], slopes[1:], ts[1:]))]
    t_f = np.array([float(v) for v in ts[:-1]])
    Af, Bf = np.array([float(v) for v in slopes]), np.array([float(v) for v in intercepts])
    xs = np.linspace(float(a), float(b), points)
    k = np.searchsorted(t_f, xs, side="left")
    net_vals = Af[k] * xs + Bf[k]
    with np.errstate(all="ignore"):
        f_vals = evaluate(e, xs, float, _NP_FUNCTIONS) + np.zeros_like(xs)
    if not np.all(np.isfinite(f_vals)):
        raise ApproxError("f is not finite in float64 somewhere on the grid")
    return float(np.max(np.abs(f_vals - net_vals)))
