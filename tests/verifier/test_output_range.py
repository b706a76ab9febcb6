"""Exact output ranges: never exceeded by exact random points of the box, attained exactly by
their witnesses (checked by the tests' own Fraction evaluator), refused with one clear reason."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import forward, moved

import exactnet
from exactnet.data.strategies import datasets, rationals
from exactnet.data.synthetic import integer_data
from exactnet.errors import ArgumentError
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier import verify
from exactnet.verifier.sweep import box_around, output_range

small = st.builds(Q, st.integers(-6, 6), st.integers(1, 4))


@st.composite
def rank_one_networks(draw: st.DrawFn) -> Network:
    """Random networks whose first-layer rows are multiples of one row (some rows zero), with one
    or two hidden layers and one to three outputs."""
    d = draw(st.integers(1, 3))
    w = [draw(small) for _ in range(d)]
    sizes = [draw(st.integers(1, 6)) for _ in range(draw(st.integers(1, 2)))] + [draw(st.integers(1, 3))]
    alpha = [draw(small) for _ in range(sizes[0])]
    layers = [Layer(tuple(tuple(a * v for v in w) for a in alpha), tuple(draw(small) for _ in alpha), "relu")]
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(Layer(tuple(tuple(draw(small) for _ in range(n_in)) for _ in range(n_out)),
                            tuple(draw(small) for _ in range(n_out)), "linear" if k == len(sizes) - 2 else "relu"))
    return Network(tuple(layers))


@st.composite
def boxes(draw: st.DrawFn, d: int) -> tuple[list[Q], list[Q]]:
    lo = [draw(rationals(20, 4)) for _ in range(d)]
    width = [draw(st.sampled_from([Q(0), Q(1, 3), Q(1), Q(5, 2), Q(7)])) for _ in range(d)]
    return lo, [a + b for a, b in zip(lo, width)]


def check_range(net: Network, lo: list, hi: list, samples: int, seed: int) -> None:
    """Every output and every difference of two: the witnesses lie in the box and attain the
    bounds exactly; exact random points (and the box's corners) stay within them."""
    r = output_range(net, lo, hi)
    m = net.output_dim
    combos = [{k: 1} for k in range(m)] + [{i: 1, j: -1} for i in range(m) for j in range(m) if i != j]
    bounds = [r.combination(c) for c in combos]
    assert [r.outputs[k] for k in range(m)] == bounds[:m]

    def value(c: dict, y: list[Fraction]) -> Fraction:
        return sum((v * y[k] for k, v in c.items()), Fraction(0))

    for c, b in zip(combos, bounds):
        for ext in (b.min, b.max):
            assert all(a <= x <= z for a, x, z in zip(lo, ext.witness, hi))
            assert value(c, forward(net, ext.witness)) == ext.value
    rng = random.Random(seed)
    points = [[Fraction(a) + (Fraction(z) - Fraction(a)) * Fraction(rng.randrange(0, 97), 96) for a, z in zip(lo, hi)]
              for _ in range(samples)]
    points += [[rng.choice((a, z)) for a, z in zip(lo, hi)] for _ in range(8)]
    for x in points:
        y = forward(net, x)
        for c, b in zip(combos, bounds):
            assert b.min.value <= value(c, y) <= b.max.value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_range_of_random_rank_one_networks(data: st.DataObject) -> None:
    net = data.draw(rank_one_networks())
    lo, hi = data.draw(boxes(net.input_dim))
    check_range(net, lo, hi, samples=60, seed=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_range_of_networks_built_by_exactnet(data: st.DataObject) -> None:
    outputs = data.draw(st.integers(1, 2))
    ds = data.draw(datasets(max_dim=3, max_points=12, outputs=outputs))
    kind = data.draw(st.sampled_from(["theorem3", "dyadic", "one-layer"]))
    if kind == "one-layer":
        net = exactnet.build(ds, method="one-hidden-layer")
    else:
        net = exactnet.build(ds, construction="dyadic" if kind == "dyadic" else None)
    lo = [min(x[i] for x in ds.X) - 1 for i in range(ds.dim)]
    hi = [max(x[i] for x in ds.X) + Q(1, 2) for i in range(ds.dim)]
    check_range(net, lo, hi, samples=40, seed=1)
    # the data points lie in the box, so their outputs do too
    r = output_range(net, lo, hi)
    for y in ds.Y:
        assert all(b.min.value <= v <= b.max.value for b, v in zip(r.outputs, y))


def test_thousands_of_points_never_exceed_a_built_networks_range() -> None:
    ds = exactnet.Dataset.from_rows([[i % 7, (3 * i) % 11] for i in range(40)], [(i * i) % 13 - 6 for i in range(40)])
    for kw in ({}, {"exact_in": "float64"}):
        net = exactnet.build(ds, **kw)
        check_range(net, [-1, -2], [8, Q(23, 2)], samples=3000, seed=2)


def test_breakpoints_are_sorted_and_a_degenerate_box_is_one_point() -> None:
    net = exactnet.build([[0, 1], [2, 3], [5, 1], [4, 4]], [1, -2, 3, 7])
    r = output_range(net, [0, 0], [5, 5])
    assert list(r.ts) == sorted(set(r.ts))
    point = output_range(net, [2, 3], [2, 3])
    assert len(point.ts) == 1 and point.outputs[0].min.value == point.outputs[0].max.value == -2


def test_box_around_and_its_errors() -> None:
    assert box_around([1, Q(1, 2)], Q(1, 4)) == ((Q(3, 4), Q(1, 4)), (Q(5, 4), Q(3, 4)))
    for radius in (0, -1, float("nan"), "x"):
        with pytest.raises(ArgumentError, match="radius"):
            box_around([1], radius)


def test_bad_boxes_and_networks_are_refused_with_the_reason() -> None:
    net = exactnet.build([[0, 1], [2, 3]], [1, 2])
    with pytest.raises(ArgumentError, match="lower bound has 1 values; the network has 2 inputs"):
        output_range(net, [0], [1, 1])
    with pytest.raises(ArgumentError, match="input 1: lower bound 2 is above upper bound 1"):
        output_range(net, [0, 2], [1, 1])
    with pytest.raises(ArgumentError, match=r"upper\[0\]: not a finite number"):
        output_range(net, [0, 0], [float("nan"), 1])
    not_rank_one = Network((Layer(((Q(1), Q(0)), (Q(0), Q(1))), (Q(0), Q(0)), "relu"),
                            Layer(((Q(1), Q(1)),), (Q(0),), "linear")))
    with pytest.raises(ArgumentError) as e:
        output_range(not_rank_one, [0, 0], [1, 1])
    assert str(e.value) == ("the first layer's rows are not multiples of one row, so the outputs are not a function "
                            "of one projection w . x (exactnet's networks are; this one is not)")
    deep = Network((Layer(((Q(1),),), (Q(0),), "relu"),) * 3 + (Layer(((Q(1),),), (Q(0),), "linear"),))
    with pytest.raises(ArgumentError, match="one or two hidden layers, not 3"):
        output_range(deep, [0], [1])


def test_a_second_layer_unit_that_turns_on_exactly_at_a_knot() -> None:
    """y = relu(u) + relu(2 - u) with u = relu(t - 1): the first unit of layer 2 is zero at the knot
    t = 1 and grows after it, while the second crosses zero at t = 3, inside the same piece."""
    one = (Q(1),)
    net = Network((Layer((one,), (Q(-1),), "relu"),
                   Layer((one, (Q(-1),)), (Q(0), Q(2)), "relu"),
                   Layer(((Q(1), Q(1)),), (Q(0),), "linear")))
    r = output_range(net, [0], [5])
    assert r.ts == (0, 1, 3, 5)
    assert [v[0] for v in r.values] == [2, 2, 2, 4]
    assert (r.outputs[0].min.value, r.outputs[0].max.value) == (2, 4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_piecewise_verify_path_gives_the_general_paths_certificate(data: st.DataObject) -> None:
    """Random rank-one networks (some with one first-layer entry moved off the line, where the path
    does not apply), data on and off the network: the same certificate as FLINT and Python."""
    net = data.draw(rank_one_networks())
    if data.draw(st.booleans()):
        net = moved(net, 0, 0, 0, Q(1, 3))
    d = net.input_dim
    X = data.draw(st.lists(st.tuples(*[rationals(30, 5)] * d), min_size=1, max_size=8, unique=True))
    Y = [forward(net, x) for x in X]
    for k in data.draw(st.lists(st.integers(0, len(X) - 1), max_size=2)):  # wrong outputs on some points
        Y[k] = [Y[k][0] + Fraction(1, 2**100), *Y[k][1:]]
    ds = exactnet.Dataset.from_rows(X, Y)
    certs = [verify(net, ds, engine=e, keep=3) for e in ("piecewise", "flint", "python")]
    for c in certs[1:]:
        assert (c.exact, c.max_error, c.failed, c.failures) == \
               (certs[0].exact, certs[0].max_error, certs[0].failed, certs[0].failures)
    assert certs[0].engine == ("piecewise" if rank_one_of(net) else "flint")


def rank_one_of(net: Network) -> bool:
    """By the definition, with Fractions: every first-layer row is a multiple of the first nonzero one."""
    rows = [[Fraction(int(v.numerator), int(v.denominator)) for v in r] for r in net.layers[0].weights]
    base = next((r for r in rows if any(r)), None)
    if base is None:
        return True
    k = next(i for i, v in enumerate(base) if v)
    return all(r == [r[k] / base[k] * v for v in base] for r in rows)


def test_every_extremum_names_its_t_and_a_witness_on_it() -> None:
    """Found by mutation testing: Extremum.t was never read by a test (None passed)."""
    data = integer_data(40, 3, 5)
    net = exactnet.build(data, exact_in="float64")
    lower, upper = [0, 0, 0], [99, 99, 99]
    r = output_range(net, lower, upper)
    for bounds in (*r.outputs, r.combination({0: 2})):
        for e in (bounds.min, bounds.max):
            assert e.t == sum(w * x for w, x in zip(r.w, e.witness))
            assert all(lo <= x <= hi for lo, x, hi in zip(lower, e.witness, upper))
            assert net(e.witness)[0] * (2 if bounds is not r.outputs[0] else 1) == e.value
    inner = r.witness(r.ts[0] + 1)  # one step up from the lowest corner: not the corner itself
    assert sum(w * x for w, x in zip(r.w, inner)) == r.ts[0] + 1


def test_box_messages_name_the_bound_and_the_coordinate() -> None:
    data = integer_data(10, 2, 1)
    net = exactnet.build(data, exact_in="float64")
    cases = [(([0], [1, 1]), "the box's lower bound has 1 values; the network has 2 inputs"),
             (([0, 0], [1]), "the box's upper bound has 1 values; the network has 2 inputs"),
             (([0, "x"], [1, 1]), "lower[1]: "), (([0, 0], [1, "nan"]), "upper[1]: ")]
    for (lo, hi), message in cases:
        with pytest.raises(ArgumentError, match=re.escape(message)):
            output_range(net, lo, hi)
    with pytest.raises(ArgumentError, match=re.escape("center[1]: ")):
        box_around([0, "y"], 1)
    with pytest.raises(ArgumentError, match=re.escape("radius: ")):
        box_around([0, 0], "z")
