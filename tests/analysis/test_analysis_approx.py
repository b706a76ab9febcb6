"""Second-derivative sizing: a safe parser, rigorous bounds on f'', an exact interpolant."""

import math
from fractions import Fraction

import pytest

from exactnet.analysis.approx import (
    ApproxError,
    approximate,
    interpolant_network,
    pieces_for,
    second_derivative_bound,
)
from exactnet.analysis.expr import ExprError, evaluate, parse
from exactnet.data.dataset import Dataset
from exactnet.verifier import verify

MATH = {k: getattr(math, k) for k in ("exp", "tanh", "sin", "cos", "log", "sqrt")}


@pytest.mark.parametrize("text, x, want", [
    ("x^2 - 3*x", 2.0, -2.0), ("-x^2", 3.0, -9.0), ("2*x**-1", 4.0, 0.5), ("exp(0.5*x)", 2.0, math.e),
    ("sqrt(x) + log(x) + sin(x) - cos(x) + tanh(x)", 1.0, 1 + math.sin(1) - math.cos(1) + math.tanh(1)),
    ("x^0", 5.0, 1.0), ("(1 + x) / (1 - x)", 0.5, 3.0),
])
def test_expressions_evaluate(text, x, want):
    assert evaluate(parse(text), x, float, MATH) == pytest.approx(want)


@pytest.mark.parametrize("text", ["__import__('os')", "x.__class__", "open('f')", "[x]", "x if 1 else 2", "a",
                                  "exp(x, 1)", "exp(x=1)", "x ** 0.5", "x ** 100", "'s'", "True", "1e999", "",
                                  "x; 1", "(yield)", "f'{x}'", "x < 1", "x @ x", "x // 2"])
def test_everything_outside_the_language_is_refused(text):
    with pytest.raises(ExprError):
        parse(text)


def test_decimals_are_exact():
    assert parse("0.1").value == Fraction(1, 10)


def test_second_derivative_bounds_are_rigorous():
    b = second_derivative_bound(parse("x^2"), Fraction(0), Fraction(1))
    assert b.lower == 2 == b.upper
    s = second_derivative_bound(parse("sin(x)"), Fraction(0), Fraction(3))
    assert s.lower <= math.sin(math.pi / 2) <= s.upper and s.upper <= Fraction(101, 100)
    t = second_derivative_bound(parse("tanh(2*x)"), Fraction(-1), Fraction(1))
    true_max = 8 * 2 / (3 * math.sqrt(3))  # |f''| = 8 tanh sech^2, max at tanh = 1/sqrt(3)
    assert t.lower <= true_max <= t.upper


def test_pieces_rule():
    assert pieces_for(Fraction(2), Fraction(0), Fraction(1), Fraction(1, 100), "seed") == 10  # h^2 <= 1/100
    assert pieces_for(Fraction(2), Fraction(0), Fraction(1), Fraction(1, 100), "interpolation") == 5
    assert pieces_for(Fraction(0), Fraction(0), Fraction(1), Fraction(1, 100), "seed") == 1


def test_interpolant_is_exact_at_nodes_and_linear_between():
    nodes = [Fraction(k, 3) for k in range(7)]
    values = [Fraction(k * k - 5, 7) for k in range(7)]
    net = interpolant_network(nodes, values)
    assert [net([x])[0] for x in nodes] == values
    assert verify(net, Dataset.from_rows([[x] for x in nodes], values)).exact
    mid = (nodes[2] + nodes[3]) / 2
    assert net([mid])[0] == (values[2] + values[3]) / 2


@pytest.mark.parametrize("text, a, b, eps, rule", [
    ("tanh(2*x)", "-1", "1", "0.001", "seed"), ("exp(x)", "0", "2", "1e-4", "interpolation"),
    ("x^3 - x", "-2", "2", "0.01", "seed"),
])
def test_approximation_meets_eps_and_its_bound(text, a, b, eps, rule):
    ap = approximate(text, a, b, eps, rule)
    assert ap.verified and ap.network.widths == [ap.pieces]
    assert ap.measured <= float(ap.guaranteed) * (1 + 1e-9) and ap.guaranteed <= ap.eps
    assert ap.measured > 0.2 * float(ap.eps) / (4 if rule == "seed" else 1)  # not wildly oversized
    f = parse(text)
    assert all(abs(float(y) - evaluate(f, float(x), float, MATH)) <= float(ap.delta) * 1.001 + 1e-12
               for x, y in zip(ap.nodes, ap.values))


def test_seed_003_example_is_sized_from_a_rigorous_bound():
    ap = approximate("tanh(x) + tanh(2*x)/2 + tanh(3*x)/4 + tanh(4*x)/8", "-1", "1", "1e-5")
    assert 4.9 < float(ap.M.lower) <= float(ap.M.upper) < 5.0
    assert ap.verified and ap.measured <= float(ap.guaranteed)


@pytest.mark.parametrize("args", [("x", "1", "0", "0.1"), ("x", "0", "1", "-0.1"), ("1/x", "-1", "1", "0.1"),
                                  ("sqrt(x)", "0", "1", "0.1"), ("x", "0", "1", "0.1", "nope")])
def test_bad_requests(args):
    with pytest.raises(ApproxError):
        approximate(*args)
