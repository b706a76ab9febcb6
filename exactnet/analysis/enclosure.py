"""Rigorous enclosures of a one-variable function and its derivatives: arb balls (python-flint)
and second-order jets of them (forward-mode automatic differentiation).

``second_derivative_enclosure`` returns a ball that contains f''(x) for every x of an interval;
``ball``, ``exact``, ``upper`` and ``lower`` move between exact rationals and balls without
rounding the wrong way. ``ApproxError`` is the error of every step of the function sizing.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import flint

from exactnet.analysis.expr import FUNCTIONS, Expr, evaluate
from exactnet.errors import ExactnetError

PREC = 80  # bits of arb precision for enclosures


class ApproxError(ExactnetError):
    """A request that cannot be sized: empty interval, eps <= 0, f'' unbounded or undefined."""


def ball(q: Fraction) -> Any:
    """The exact rational ``q`` as an arb ball (of zero radius when it is representable)."""
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def exact(a: Any) -> Fraction:
    """The exact value of an arb with zero radius (or its midpoint)."""
    m, e = a.mid().man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def upper(a: Any) -> Fraction:
    """An exact rational >= every point of the ball ``a`` (finite balls only)."""
    return exact(a.mid()) + exact(a.rad())


def lower(a: Any) -> Fraction:
    """An exact rational <= every point of the ball ``a`` (finite balls only)."""
    return exact(a.mid()) - exact(a.rad())


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
ARB_FUNCTIONS: dict[str, Callable[[Any], Any]] = {name: (lambda n: lambda a: getattr(a, n)())(name)
                                                  for name in FUNCTIONS}


def _jet_const(q: Fraction) -> Jet:
    return Jet.lift(ball(q))


def second_derivative_enclosure(e: Expr, lo: Fraction, hi: Fraction) -> Any:
    """An arb ball containing f''(x) for every x in [lo, hi] (at the current arb precision)."""
    x = Jet(flint.arb(ball((lo + hi) / 2), ball((hi - lo) / 2)), flint.arb(1), flint.arb(0))
    return Jet.lift(evaluate(e, x, _jet_const, _JET_FUNCTIONS)).d2
