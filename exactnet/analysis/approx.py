"""Sizing a one-hidden-layer network for a one-variable function and error eps, and building it.

1. ``M = max |f''|`` on [a, b], rigorously: f'' is enclosed on sub-intervals by forward-mode
   automatic differentiation over arb balls (python-flint), and the sub-interval with the
   largest enclosure is split until the upper bound is within ``M_TOLERANCE`` of the best lower
   bound (or ``MAX_BOXES`` boxes are used; the bound is then looser, still an upper bound).
2. Pieces n from the step rule, with eps' = eps - delta and delta = eps / 100 the budget for
   rounding f at the nodes: rule "seed" (seed 003, Taylor from one end) asks M h^2 / 2 <= eps',
   rule "interpolation" asks M h^2 / 8 <= eps' (the linear interpolation error bound); n is the
   smallest integer with (b - a) / n meeting the rule for the *upper* bound of M.
3. Nodes x_k = a + k (b - a) / n (exact). f(x_k) is enclosed by an arb ball and rounded to the
   nearest multiple of 2^-s with 2^-s <= delta / 2, so |y_k - f(x_k)| <= delta (checked).
4. The network x -> y_0 + sum_k (s_k - s_(k-1)) relu(x - x_k) (n hidden neurons, s_k the slope
   on piece k) is the piecewise-linear interpolant of (x_k, y_k); the verifier confirms it at
   every node exactly (up to ``VERIFY_LIMIT`` nodes; above it an exact O(n log n) evaluation
   through the network's prefix sums does). Guaranteed error on [a, b]: M h^2 / 8 + delta.
5. The error is *measured* on a grid of ``per_piece`` points per piece in float64 (numpy): f in
   float64, the network from exact prefix sums of its neurons rounded to float64 once. This is a
   measurement with float64 resolution (about 1e-15 relative), not a proof.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from exactnet.analysis.expr import FUNCTIONS, Expr, ExprError, evaluate, parse, show
from exactnet.analysis.report import Column, Report
from exactnet.construct.knots import chord_slopes, one_hidden_layer
from exactnet.dataset import Dataset
from exactnet.errors import ExactnetError
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.verify import verify

RULES = ("seed", "interpolation")
M_TOLERANCE = Fraction(1, 100)
START_BOXES = 64
MAX_BOXES = 4096
PREC = 80
MAX_PIECES = 200_000
M_CEILING_BITS = 1000  # |f''| above 2^1000 would need more than 2^500 pieces
MAX_GRID = 2_000_000
VERIFY_LIMIT = 1500  # the verifier's dense evaluation is quadratic in n; above this, exact prefix sums


class ApproxError(ExactnetError):
    """A request that cannot be sized: empty interval, eps <= 0, f'' unbounded or undefined."""


# -- arb and jets of arb ------------------------------------------------------------------------
def _arb(q: Fraction) -> Any:
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def _exact(a: Any) -> Fraction:
    """The exact value of an arb with zero radius (or its midpoint)."""
    m, e = a.mid().man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def _upper(a: Any) -> Fraction:
    """An exact rational >= every point of the ball ``a`` (finite balls only)."""
    return _exact(a.mid()) + _exact(a.rad())


def _lower(a: Any) -> Fraction:
    return _exact(a.mid()) - _exact(a.rad())


class Jet:
    """(f, f', f'') at a point or over a ball: second-order forward-mode differentiation."""

    __slots__ = ("v", "d1", "d2")

    def __init__(self, v: Any, d1: Any, d2: Any) -> None:
        self.v, self.d1, self.d2 = v, d1, d2

    @staticmethod
    def lift(c: Any) -> Jet:
        return c if isinstance(c, Jet) else Jet(c, flint.arb(0), flint.arb(0))

    def __add__(self, o: Any) -> Jet:
        o = Jet.lift(o)
        return Jet(self.v + o.v, self.d1 + o.d1, self.d2 + o.d2)

    def __sub__(self, o: Any) -> Jet:
        o = Jet.lift(o)
        return Jet(self.v - o.v, self.d1 - o.d1, self.d2 - o.d2)

    def __neg__(self) -> Jet:
        return Jet(-self.v, -self.d1, -self.d2)

    def __mul__(self, o: Any) -> Jet:
        o = Jet.lift(o)
        return Jet(self.v * o.v, self.d1 * o.v + self.v * o.d1, self.d2 * o.v + 2 * self.d1 * o.d1 + self.v * o.d2)

    def __truediv__(self, o: Any) -> Jet:
        o = Jet.lift(o)
        r = 1 / o.v  # 1/u: derivatives -u'/u^2 and (2u'^2 - u u'') / u^3
        inv = Jet(r, -o.d1 * r * r, (2 * o.d1 * o.d1 - o.v * o.d2) * r * r * r)
        return self * inv

    def chain(self, g: Any, g1: Any, g2: Any) -> Jet:
        """g(self) given g, g', g'' at self.v."""
        return Jet(g, g1 * self.d1, g2 * self.d1 * self.d1 + g1 * self.d2)


def _jet_fn(name: str) -> Callable[[Jet], Jet]:
    def f(u: Jet) -> Jet:
        v = u.v
        if name == "exp":
            e = v.exp()
            return u.chain(e, e, e)
        if name == "tanh":
            t = v.tanh()
            s = 1 - t * t
            return u.chain(t, s, -2 * t * s)
        if name == "sin":
            s, c = v.sin(), v.cos()
            return u.chain(s, c, -s)
        if name == "cos":
            s, c = v.sin(), v.cos()
            return u.chain(c, -s, -c)
        if name == "log":
            return u.chain(v.log(), 1 / v, -1 / (v * v))
        if name == "sqrt":
            r = v.sqrt()
            return u.chain(r, 1 / (2 * r), -1 / (4 * v * r))
        raise ValueError(name)

    return f


_JET_FUNCTIONS = {name: _jet_fn(name) for name in FUNCTIONS}
_ARB_FUNCTIONS: dict[str, Callable[[Any], Any]] = {name: (lambda n: lambda a: getattr(a, n)())(name)
                                                   for name in FUNCTIONS}
_NP_FUNCTIONS: dict[str, Callable[[Any], Any]] = {"exp": np.exp, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
                                                  "log": np.log, "sqrt": np.sqrt}


def _jet_const(q: Fraction) -> Jet:
    return Jet.lift(_arb(q))


def second_derivative_enclosure(e: Expr, lo: Fraction, hi: Fraction) -> Any:
    """An arb ball containing f''(x) for every x in [lo, hi]."""
    ball = flint.arb(_arb((lo + hi) / 2), _arb((hi - lo) / 2))
    x = Jet(ball, flint.arb(1), flint.arb(0))
    return Jet.lift(evaluate(e, x, _jet_const, _JET_FUNCTIONS)).d2


@dataclass(frozen=True)
class Bound:
    """lower <= max |f''| on [a, b] <= upper, both exact; ``boxes`` sub-intervals were used."""

    lower: Fraction
    upper: Fraction
    boxes: int
    converged: bool  # upper - lower <= M_TOLERANCE * max(lower, ...)


def second_derivative_bound(e: Expr, a: Fraction, b: Fraction) -> Bound:
    """Rigorous bounds on max |f''| over [a, b] by branch and bound over arb enclosures.
    Raises ``ApproxError`` when f'' has no finite enclosure (a singularity, or a function
    outside its domain such as log of a negative number)."""
    old = flint.ctx.prec
    flint.ctx.prec = PREC
    try:
        heap: list[tuple[Fraction, Fraction, Fraction]] = []
        best = Fraction(0)
        step = (b - a) / START_BOXES
        count = 0
        for k in range(START_BOXES):
            lo, hi = a + k * step, a + (k + 1) * step
            heapq.heappush(heap, (-_abs_upper(e, lo, hi), lo, hi))
            best = max(best, _abs_lower(e, (lo + hi) / 2))
            count += 1
        while True:
            neg_up, lo, hi = heap[0]
            up = -neg_up
            if up - best <= M_TOLERANCE * best or up == 0:
                return Bound(best, up, count, True)
            if count >= MAX_BOXES:
                return Bound(best, up, count, False)
            heapq.heappop(heap)
            mid = (lo + hi) / 2
            for u, v in ((lo, mid), (mid, hi)):
                heapq.heappush(heap, (-_abs_upper(e, u, v), u, v))
                best = max(best, _abs_lower(e, (u + v) / 2))
                count += 1
    finally:
        flint.ctx.prec = old


def _abs_upper(e: Expr, lo: Fraction, hi: Fraction) -> Fraction:
    d2 = second_derivative_enclosure(e, lo, hi)
    if not d2.is_finite():
        raise ApproxError(f"f'' has no finite bound on [{float(lo):.6g}, {float(hi):.6g}] (a singularity or a "
                          "value outside the domain of log, sqrt or division?)")
    return _upper(_within_ceiling(d2.abs_upper(), lo, hi))


def _abs_lower(e: Expr, x: Fraction) -> Fraction:
    d2 = second_derivative_enclosure(e, x, x)
    return _lower(_within_ceiling(d2.abs_lower(), x, x)) if d2.is_finite() else Fraction(0)


def _within_ceiling(v: Any, lo: Fraction, hi: Fraction) -> Any:
    """``v`` if it is below 2^``M_CEILING_BITS``; else ``ApproxError``: so large an |f''| would
    need more than 2^(bits/2) pieces on any interval, far beyond ``MAX_PIECES``, and its exact
    value could exhaust memory."""
    if v > flint.arb(2) ** M_CEILING_BITS:
        raise ApproxError(f"|f''| exceeds 2^{M_CEILING_BITS} on [{float(lo):.6g}, {float(hi):.6g}]: no "
                          f"approximation within {MAX_PIECES:,} pieces exists there; shrink the interval")
    return v


# -- pieces, nodes, network -----------------------------------------------------------------------
def pieces_for(M: Fraction, a: Fraction, b: Fraction, eps: Fraction, rule: str) -> int:
    """The smallest n >= 1 with h = (b - a) / n meeting the rule: M h^2 / c <= eps with c = 2
    ("seed") or 8 ("interpolation")."""
    c = 2 if rule == "seed" else 8
    need = M * (b - a) ** 2 / (c * eps)  # n^2 >= need
    n = max(1, math.isqrt(math.ceil(need)))
    while n * n < need:
        n += 1
    return n


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
                y = evaluate(e, _arb(x), _arb, _ARB_FUNCTIONS)
            finally:
                flint.ctx.prec = old
            if not y.is_finite():
                raise ApproxError(f"f is not defined at x = {x} ({float(x):.6g})")
            if _exact(y.rad()) <= delta / 2:
                break
        else:
            raise ApproxError(f"f({x}) cannot be enclosed to within {float(delta):.3g}")
        mid = _exact(y.mid())
        out.append(Fraction(round(mid * 2**s), 2**s))
    return out, s


def interpolant_network(nodes: list[Fraction], values: list[Fraction]) -> Network:
    """One hidden layer, len(nodes) - 1 neurons: the piecewise-linear interpolant of the points
    on [nodes[0], nodes[-1]] (constant values[0] to the left, last slope continued to the right)."""
    xs, ys = [Q(x) for x in nodes], [Q(y) for y in values]
    return one_hidden_layer((Q(1),), xs[:-1], [[s] for s in chord_slopes(ys, xs)], ys[:1])


def prefix_form(net: Network) -> tuple[list[Any], list[Any], list[Any]]:
    """A one-input, one-hidden-layer network with positive input weights as exact breakpoints
    t_1 <= ... <= t_n and prefix sums (A_k, B_k), k = 0..n: on (t_k, t_(k+1)] it equals
    A_k x + B_k (a neuron is off at its own breakpoint, so x = t_k belongs to piece k - 1)."""
    hidden, output = net.layers
    if len(net.layers) != 2 or net.input_dim != 1 or net.output_dim != 1:
        raise ValueError("expected a network 1 -> n -> 1")
    w = [row[0] for row in hidden.weights]
    if any(v <= 0 for v in w):
        raise ValueError("expected a hidden layer with positive input weights")
    thresholds = [-c / v for c, v in zip(hidden.bias, w)]
    order = sorted(range(len(w)), key=thresholds.__getitem__)
    A, B = [Q(0)], [output.bias[0]]
    for i in order:
        A.append(A[-1] + output.weights[0][i] * w[i])
        B.append(B[-1] + output.weights[0][i] * hidden.bias[i])
    return [thresholds[i] for i in order], A, B


def exact_values(net: Network, xs: list[Fraction]) -> list[Any]:
    """Exact outputs of a 1 -> n -> 1 network (positive input weights) at ``xs``, in O((n + len(xs))
    log n) exact operations through ``prefix_form``."""
    t, A, B = prefix_form(net)
    out = []
    for x in xs:
        k = bisect.bisect_left(t, Q(x))
        out.append(A[k] * Q(x) + B[k])
    return out


def measure(e: Expr, net: Network, a: Fraction, b: Fraction, points: int) -> float:
    """Max |f(x) - net(x)| over ``points`` equally spaced x in [a, b], in float64: f by numpy,
    the network as A_k x + B_k with its exact prefix sums (``prefix_form``) rounded to float64."""
    t, A, B = prefix_form(net)
    t_f = np.array([float(v) for v in t])
    Af, Bf = np.array([float(v) for v in A]), np.array([float(v) for v in B])
    xs = np.linspace(float(a), float(b), points)
    k = np.searchsorted(t_f, xs, side="left")
    net_vals = Af[k] * xs + Bf[k]
    with np.errstate(all="ignore"):
        f_vals = evaluate(e, xs, float, _NP_FUNCTIONS) + np.zeros_like(xs)
    if not np.all(np.isfinite(f_vals)):
        raise ApproxError("f is not finite in float64 somewhere on the grid")
    return float(np.max(np.abs(f_vals - net_vals)))


# -- the whole sizing --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Approximation:
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
    if n + 1 <= VERIFY_LIMIT:
        checked_by = "the independent verifier"
        exact = verify(net, Dataset.from_rows([[x] for x in nodes], values, source="nodes")).exact
    else:
        checked_by = "exact prefix sums (O(n log n))"
        exact = exact_values(net, nodes) == [Q(v) for v in values]
    grid = min(MAX_GRID, per_piece * n + 1)
    net = net.with_meta(construction="piecewise-linear interpolant", expression=show(e), interval=[str(a), str(b)],
                        eps=str(eps), pieces=n, rule=rule)
    return Approximation(
        expr=text, a=a, b=b, eps=eps, rule=rule, M=M, pieces=n, h=h, delta=delta, rounding_bits=s,
        seed_estimate=M.upper * h * h / 2, guaranteed=M.upper * h * h / 8 + delta,
        measured=measure(e, net, a, b, grid), grid=grid, network=net, nodes=tuple(nodes), values=tuple(values),
        verified=exact, checked_by=checked_by,
    )


def _number(v: Any, name: str) -> Fraction:
    try:
        return Fraction(str(v).strip())
    except (ValueError, ZeroDivisionError):
        raise ApproxError(f"{name} is not a number: {v!r}") from None


def report(ap: Approximation) -> Report:
    """The sizing and its check as a table of quantities."""
    def g(q: Fraction) -> str:
        return f"{float(q):.6g}"

    rows = [
        ("function", ap.expr, "parsed by the safe expression language"),
        ("interval", f"[{ap.a}, {ap.b}]", "exact"),
        ("eps", g(ap.eps), "target max error"),
        ("M = max |f''|", f"in [{g(ap.M.lower)}, {g(ap.M.upper)}]",
         f"arb interval arithmetic + forward-mode derivatives, {ap.M.boxes} boxes"
         + ("" if ap.M.converged else " (box limit reached: upper bound looser)")),
        ("rule", "M h^2/2 <= eps - delta" if ap.rule == "seed" else "M h^2/8 <= eps - delta",
         "seed 003 (Taylor)" if ap.rule == "seed" else "linear interpolation bound"),
        ("pieces n", f"{ap.pieces:,}", "smallest n meeting the rule with the upper bound of M"),
        ("hidden neurons", f"{ap.network.widths[0]:,}", "one hidden layer, breaks at the nodes"),
        ("h", g(ap.h), "(b - a) / n, exact"),
        ("delta", g(ap.delta), f"rounding of f at nodes: multiples of 2^-{ap.rounding_bits}, |error| <= delta"),
        ("estimate M h^2/2", g(ap.seed_estimate), "seed 003's error estimate"),
        ("guaranteed bound M h^2/8 + delta", g(ap.guaranteed), "rigorous on [a, b]"),
        ("measured max error", f"{ap.measured:.6g}", f"float64 on {ap.grid:,} equally spaced points"),
        ("exact at the nodes", "yes" if ap.verified else "NO", f"all n + 1 nodes, checked by {ap.checked_by}"),
        ("parameters", f"{ap.network.parameter_count():,}", "1 -> n -> 1"),
        ("largest parameter", f"{ap.network.bit_stats()['largest_bits']:,} bits", "exact rationals"),
    ]
    return Report(
        title=f"piecewise-linear network for {ap.expr} on [{ap.a}, {ap.b}], eps = {g(ap.eps)}",
        columns=(Column("quantity", "quantity"), Column("value", "value"), Column("how", "how")),
        rows=tuple({"quantity": q, "value": v, "how": h} for q, v, h in rows),
        caption="M is a rigorous enclosure; the measured error is a float64 measurement",
        extra={"pieces": ap.pieces, "M_upper": str(ap.M.upper), "M_lower": str(ap.M.lower),
               "guaranteed": str(ap.guaranteed), "measured": ap.measured, "verified": ap.verified},
    )


__all__ = ["ApproxError", "Approximation", "ExprError", "approximate", "interpolant_network", "measure",
           "pieces_for", "report", "second_derivative_bound"]
