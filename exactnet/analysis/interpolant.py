"""The network that approximates f: its node values (f rounded to a dyadic grid, within delta)
and the one-hidden-layer piecewise-linear interpolant through them, built by the
construction's own rule (``construct.knots``)."""

from __future__ import annotations

from fractions import Fraction

import flint

from exactnet.analysis.enclosure import ARB_FUNCTIONS, PREC, ApproxError, ball, exact
from exactnet.analysis.expr import Expr, evaluate
from exactnet.construct.knots import chord_slopes, one_hidden_layer
from exactnet.network import Network
from exactnet.rational import Q


def node_values(e: Expr, nodes: list[Fraction], delta: Fraction) -> tuple[list[Fraction], int]:
    """f at every node rounded to a multiple of 2^-s, s the smallest with 2^-s <= delta / 2, and s.
    Each arb enclosure is tightened (more precision) until its radius is <= delta / 2, so
    |y_k - f(x_k)| <= delta. Raises ``ApproxError`` if f is undefined at a node."""
    s = 0
    while Fraction(1, 2**s) > delta / 2:
        s += 1
    out = []
    for x in nodes:
        for prec in (PREC, 2 * PREC, 4 * PREC, 8 * PREC, 16 * PREC):
            old = flint.ctx.prec
            flint.ctx.prec = prec
            try:
                y = evaluate(e, ball(x), ball, ARB_FUNCTIONS)
            finally:
                flint.ctx.prec = old
            if not y.is_finite():
                raise ApproxError(f"f is not defined at x = {x} ({float(x):.6g})")
            if exact(y.rad()) <= delta / 2:
                break
        else:
            raise ApproxError(f"f({x}) cannot be enclosed to within {float(delta):.3g}")
        mid = exact(y.mid())
        out.append(Fraction(round(mid * 2**s), 2**s))
    return out, s


def interpolant_network(nodes: list[Fraction], values: list[Fraction]) -> Network:
    """One hidden layer, len(nodes) - 1 neurons: the piecewise-linear interpolant of the points
    on [nodes[0], nodes[-1]] (constant values[0] to the left, last slope continued to the right)."""
    xs, ys = [Q(x) for x in nodes], [Q(y) for y in values]
    return one_hidden_layer((Q(1),), xs[:-1], [[s] for s in chord_slopes(ys, xs)], ys[:1])
