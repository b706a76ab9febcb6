import importlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exactnet
from exactnet.construct.projection import project
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.strategies import datasets, rationals
from exactnet.data.synthetic import integer_data
from exactnet.errors import ArgumentError, CapacityError
from exactnet.rational import Q
from exactnet.verifier import verify


@st.composite
def problems(draw):
    """Random widths a1, a2 <= 8 and a data set of N <= a1*a2 distinct rational points, d <= 6."""
    a1, a2 = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    data = draw(datasets(max_dim=6, max_points=a1 * a2))
    return a1, a2, data


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 3))
def test_build_then_verify_is_exact_for_all_data(problem, seed):
    a1, a2, data = problem
    net = build_two_layer(data, a1, a2, seed=seed)
    assert net.widths == [a1, a2]
    cert = verify(net, data)
    assert cert.exact and cert.max_error == 0
    assert all(net(x) == list(y) for x, y in zip(data.X, data.Y))  # the plain evaluator agrees


@settings(max_examples=40, deadline=None)
@given(datasets(max_dim=3, max_points=30))
def test_default_widths_are_the_fewest_neurons(data):
    net = exactnet.build(data)
    a1, a2 = net.widths
    assert a1 * a2 >= data.n
    assert all(b1 * b2 < data.n for b1 in range(1, a1 + a2) for b2 in range(1, a1 + a2 - b1))
    assert verify(net, data).exact


def test_the_seeds_example():
    data = integer_data(9, 5, 0)
    net = exactnet.build(data.X, [y[0] for y in data.Y], a1=3, a2=3)
    assert net.widths == [3, 3] and exactnet.verify(net, data).exact
    assert len({row for row in net.layers[0].weights}) == 1  # one projection row shared by every first-layer neuron
    assert net.layers[2].weights == ((Q(1), Q(-1), Q(1)),)  # v alternates
    assert net.bit_stats()["largest_bits"] < 100


def test_deterministic_for_a_seed():
    data = integer_data(50, 4, 3)
    first, again = build_two_layer(data, 8, 7, seed=5), build_two_layer(data, 8, 7, seed=5)
    assert first.to_json()["layers"] == again.to_json()["layers"]


def test_floats_are_memorized_at_their_exact_value():
    X = [[0.1, 0.2], [0.3, 0.1], [1e-300, 5e300]]
    Y = [0.1, -2.5, 1 / 3]
    net = exactnet.build(X, Y)
    assert exactnet.verify(net, X, Y).exact
    assert net(X[2]) == [Q(*(1 / 3).as_integer_ratio())]


def test_capacity_error_names_the_numbers():
    data = integer_data(10, 2, 0)
    with pytest.raises(CapacityError, match=r"10 points do not fit widths 3 x 3.* = 9; smallest widths that fit") as e:
        build_two_layer(data, 3, 3)
    s1, s2 = map(int, str(e.value).rsplit(":", 1)[1].split(" x "))
    assert s1 * s2 >= 10 and s1 + s2 == 7  # the fewest neurons that hold 10 points
    with pytest.raises(ArgumentError, match="at least 1"):  # an argument, not a capacity
        build_two_layer(data, 0, 20)


def test_projection_is_injective_and_small():
    data = integer_data(2000, 784, 1, high=256)
    p = project(data.X, 0)
    assert len(set(p.t)) == data.n
    assert p.bits < 40  # grows with log N, not with d


def test_projection_handles_columns_with_denominators():
    X = tuple((Q(k, 3), Q(1, 7)) for k in range(20))
    p = project(X, 0)
    assert len(set(p.t)) == 20 and all(isinstance(v, int) for v in p.t)


@pytest.mark.parametrize("outputs", [1, 2])
def test_theorem3_and_4_report_one_progress_step_per_second_layer_neuron_and_keep_the_seed(outputs):
    from exactnet.construct.theorem3 import build_two_layer

    data = integer_data(22, 3, 5, outputs=outputs)
    a1, a2 = (4, 6) if outputs == 1 else (4, 12)  # 24 places for 22 points
    seen = []
    net = build_two_layer(data, a1, a2, seed=9, progress=lambda done, total: seen.append((done, total)))
    assert verify(net, data).exact and net.meta["seed"] == 9
    assert net.meta["projection"] != build_two_layer(data, a1, a2, seed=10).meta["projection"]
    assert seen[-1] == (a2, a2) and [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[0][0] >= 1
    assert {total for _, total in seen} == {a2}


def test_theorem3_and_4_record_the_theorem_widths_and_why():
    from exactnet.construct.theorem3 import build_two_layer
    from exactnet.construct.widths import choose_widths

    for outputs, theorem in ((1, "Inoue 2020, Theorem 3"), (2, "Inoue 2020, Theorem 4")):
        data = integer_data(20, 3, 1, outputs=outputs)
        net = build_two_layer(data)
        w = choose_widths(20, outputs, 3, None, None)
        meta = net.meta
        assert (meta["construction"], meta["theorem"], meta["widths"], meta["widths_reason"], meta["seed"]) == \
               ("two-hidden-layer", theorem, [w.a1, w.a2], w.reason, 0) and w.reason
        assert build_two_layer(data, w.a1, w.a2).meta.get("widths_reason", "") == ""


@settings(max_examples=60, deadline=None)
@given(st.lists(rationals(), min_size=1, max_size=12, unique=True), st.integers(1, 5))
@example([7], 1).via("one point: the mean gap is 1")
@example([0, 3], 1).via("two points: the mean gap is their distance")
@example([0, 1, 5], 2).via("three points: the mean gap is the range over N - 1")
def test_knots_sit_in_the_middle_third_of_their_gaps(values, a2):
    from exactnet.construct.segments import cut

    t = sorted(values)
    n = len(t)
    seg = cut(t, a2)
    gap = (t[-1] - t[0]) / (n - 1) if n > 1 else Q(1)
    gaps = [(t[0] - gap, t[0])] + [(t[s - 1], t[s]) for s in range(a2, n, a2)] + [(t[-1], t[-1] + gap)]
    assert len(seg.knots) == len(gaps)
    assert all(lo + (hi - lo) / 3 <= k <= hi - (hi - lo) / 3 for k, (lo, hi) in zip(seg.knots, gaps))
    chunks = [tuple(range(s, min(s + a2, n))) for s in range(0, n, a2)]
    assert seg.parts == tuple(c if i % 2 == 0 else c[::-1] for i, c in enumerate(chunks))


@settings(max_examples=40, deadline=None)
@given(datasets(max_dim=3, min_points=1, max_points=1))
def test_one_point_needs_the_free_number_one(data):
    """The only bound on u for a single point is u > 0 (off before the point), and u is the smallest
    integer above the bounds, so the second-layer bias -u is -1."""
    net = build_two_layer(data, 1, 1)
    assert net.layers[1].bias == (-1,) and verify(net, data).exact


def test_unused_first_layer_neurons_are_off_on_every_point_and_weigh_nothing():
    """a1 = 4 for two segments of a2 = 3: neurons 2, 3 sit at the last knot with a zero column."""
    data = integer_data(6, 2, 1)
    net = build_two_layer(data, 4, 3)
    layer1, layer2 = net.layers[0], net.layers[1]
    assert layer1.bias[2] == layer1.bias[3] == min(layer1.bias) < layer1.bias[1]
    assert all(layer1(x)[k] == 0 for x in data.X for k in (2, 3))
    assert all(row[k] == 0 for row in layer2.weights for k in (2, 3)) and verify(net, data).exact


def test_second_layer_neurons_past_the_longest_segment_are_constant_minus_one_and_reported():
    data = integer_data(3, 2, 1)  # a2 = 5 for 3 points: neurons 3 and 4 have no point to pay
    seen = []
    net = build_two_layer(data, 1, 5, progress=lambda done, total: seen.append((done, total)))
    layer2 = net.layers[1]
    assert seen == [(k, 5) for k in range(1, 6)]
    assert [layer2.bias[j] for j in (3, 4)] == [-1, -1] and all(w == 0 for j in (3, 4) for w in layer2.weights[j])
    assert verify(net, data).exact


def test_theorem4_leftover_neurons_without_an_extra_point_are_constant_minus_one():
    data = integer_data(4, 2, 3, outputs=2)  # a2 = 5, m = 2: q = 2, r = 1; a1 * q = 4 main points, no extra
    net = build_two_layer(data, 2, 5)
    layer2, layer3 = net.layers[1], net.layers[2]
    assert layer2.bias[4] == -1 and all(w == 0 for w in layer2.weights[4])
    assert all(row[4] == 0 for row in layer3.weights)
    assert net.meta["extra_points"] == 0 and verify(net, data).exact



@pytest.mark.parametrize("kind", ["rationals", "integer array", "beyond int64"])
def test_when_no_drawn_row_is_injective_the_base_k_digits_are(monkeypatch, kind):
    """No bound tried: the fallback row is (K^(d-1), ..., K, 1) on the integer inputs, K = max - min + 1."""
    module = importlib.import_module("exactnet.construct.projection")
    monkeypatch.setattr(module, "MAX_BOUND_BITS", -1)
    if kind == "rationals":
        X = [(Q(a, 2), Q(b)) for a in range(-3, 4) for b in range(5)]  # times (2, 1): -3..4, so K = 8
        expected = (Q(16), Q(1))
    elif kind == "beyond int64":  # Python integers, not an int64 array
        X = [(Q(2**70 + a), Q(b)) for a in range(3) for b in range(4)]
        expected = (Q(2**70 + 3), Q(1))
    else:
        X = integer_data(30, 3, 1).X
        k = max(max(x) for x in X) - min(min(x) for x in X) + 1
        expected = (k * k, k, Q(1))
    p = project(X, 0)
    assert p.method == "digits" and tuple(p.w) == expected
    assert list(p.t) == [sum(w * v for w, v in zip(p.w, x)) for x in X] and len(set(p.t)) == len(X)
