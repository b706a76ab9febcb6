"""Sizing a one-hidden-layer network for a one-variable function and error eps, and building it.

1. ``M = max |f''|`` on [a, b], rigorously (``curvature``: branch and bound over the arb and
   jet enclosures of ``enclosure``).
2. Pieces n from the step rule, with eps' = eps - delta and delta = eps / 100 the budget for
   rounding f at the nodes: rule "seed" (seed 003, Taylor from one end) asks M h^2 / 2 <= eps',
   rule "interpolation" asks M h^2 / 8 <= eps' (the linear interpolation error bound); n is the
   smallest integer with (b - a) / n meeting the rule for the *upper* bound of M.
3. Nodes x_k = a + k (b - a) / n (exact). f(x_k) is enclosed by an arb ball and rounded to the
   nearest multiple of 2^-s with 2^-s <= delta / 2, so |y_k - f(x_k)| <= delta (checked;
   ``interpolant.node_values``).
4. The network x -> y_0 + sum_k (s_k - s_(k-1)) relu(x - x_k) (n hidden neurons, s_k the slope
   on piece k) is the piecewise-linear interpolant of (x_k, y_k) (``interpolant``); the
   independent verifier confirms it at every node exactly. Guaranteed error on [a, b]:
   M h^2 / 8 + delta.
5. The error is *measured* on a grid of ``per_piece`` points per piece in float64
   (``grid_error``). This is a measurement with float64 resolution, not a proof.

``approx_report.report`` shows an ``Approximation`` as a table.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactnet.analysis.curvature import MAX_PIECES, RULES, Bound, pieces_for, second_derivative_bound
from exactnet.analysis.enclosure import ApproxError
from exactnet.analysis.expr import ExprError, parse, show
from exactnet.analysis.grid_error import MAX_GRID, measure
from exactnet.analysis.interpolant import interpolant_network, node_values
from exactnet.data.dataset import Dataset
from exactnet.network import Network
from exactnet.verifier import verify


@dataclass(frozen=True)
class Approximation:
    """A sized, built, verified and measured interpolant of ``expr`` on [a, b] for error eps."""

    expr: str
    a: Fraction
    b: Fraction
    eps: Fraction
    rule: str
    M: Bound
    pieces: int
    h: Fraction
    delta: Fraction
    rounding_bits: int  # node values are multiples of 2^-rounding_bits
    seed_estimate: Fraction  # M h^2 / 2 with the upper bound of M
    guaranteed: Fraction  # M h^2 / 8 + delta
    measured: float
    grid: int
    network: Network
    nodes: tuple[Fraction, ...]
    values: tuple[Fraction, ...]
    verified: bool  # the network equals the rounded value at every node, exactly
    checked_by: str


def approximate(text: str, a: Any, b: Any, eps: Any, rule: str = "seed", per_piece: int = 8,
                max_pieces: int = MAX_PIECES) -> Approximation:
    """Size, build, verify and measure the interpolant of EXPR ``text`` on [a, b] for error eps.

    ``a``, ``b``, ``eps``: exact numbers or strings ("0.001", "1/3"). Raises ``ExprError`` for
    an expression outside the language, ``ApproxError`` for a bad interval, eps, rule, or when
    more than ``max_pieces`` pieces would be needed."""
    e = parse(text)
    a, b, eps = _number(a, "A"), _number(b, "B"), _number(eps, "eps")
    if not a < b:
        raise ApproxError(f"the interval [{a}, {b}] is empty; need A < B")
    if eps <= 0:
        raise ApproxError(f"eps must be positive, got {eps}")
    if rule not in RULES:
        raise ApproxError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    if per_piece < 1:
        raise ApproxError(f"per-piece grid points must be at least 1, got {per_piece}")
    M = second_derivative_bound(e, a, b)
    delta = eps / 100
    n = pieces_for(M.upper, a, b, eps - delta, rule)
    if n > max_pieces:
        raise ApproxError(f"{n:,} pieces would be needed (more than the limit {max_pieces:,}); raise eps or the limit")
    h = (b - a) / n
    nodes = [a + k * h for k in range(n + 1)]
    values, s = node_values(e, nodes, delta)
    net = interpolant_network(nodes, values)
    cert = verify(net, Dataset.from_rows([[x] for x in nodes], values, source="nodes"))
    grid = min(MAX_GRID, per_piece * n + 1)
    net = net.with_meta(construction="piecewise-linear interpolant", expression=show(e), interval=[str(a), str(b)],
                        eps=str(eps), pieces=n, rule=rule)
    return Approximation(
        expr=text, a=a, b=b, eps=eps, rule=rule, M=M, pieces=n, h=h, delta=delta, rounding_bits=s,
        seed_estimate=M.upper * h * h / 2, guaranteed=M.upper * h * h / 8 + delta,
        measured=measure(e, net, a, b, grid), grid=grid, network=net, nodes=tuple(nodes), values=tuple(values),
        verified=cert.exact, checked_by=f"the independent verifier ({cert.engine} path)",
    )


def _number(v: Any, name: str) -> Fraction:
    try:
        return Fraction(str(v).strip())
    except (ValueError, ZeroDivisionError):
        raise ApproxError(f"{name} is not a number: {v!r}") from None


__all__ = ["MAX_PIECES", "RULES", "ApproxError", "Approximation", "Bound", "ExprError", "approximate",
           "interpolant_network", "measure", "pieces_for", "second_derivative_bound"]
