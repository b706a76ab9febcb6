"""Theorem 4: m outputs, widths exactly (a1, a2), capacity a1*(a2 div m) + (a2 mod m)."""

import pytest
from exactnet_cli.main import app
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import exactnet
from exactnet.capacity import smallest_two_layer, two_layer_capacity
from exactnet.construct.theorem3 import build_two_layer
from exactnet.construct.widths import choose_widths
from exactnet.data.strategies import datasets
from exactnet.data.synthetic import integer_data
from exactnet.errors import CapacityError
from exactnet.network import Network
from exactnet.verifier import verify


@st.composite
def problems(draw, min_a2_per_output=1):
    """m <= 4, a1 <= 6, a2 in [m * min_a2_per_output, 4m], N <= capacity, rational data, d <= 4."""
    m = draw(st.integers(1, 4))
    a1 = draw(st.integers(1, 6))
    a2 = draw(st.integers(m * min_a2_per_output, 4 * m))
    cap = two_layer_capacity(a1, a2, m)
    least = cap if draw(st.booleans()) else 1  # half the examples fill the capacity exactly
    data = draw(datasets(max_dim=4, min_points=least, max_points=cap, outputs=m))
    return a1, a2, data


@settings(max_examples=120, deadline=None)
@given(problems(), st.integers(0, 3))
def test_build_then_verify_is_exact(problem, seed):
    a1, a2, data = problem
    net = build_two_layer(data, a1, a2, seed=seed)
    assert net.widths == [a1, a2] and net.output_dim == data.outputs
    cert = verify(net, data)
    assert cert.exact and cert.max_error == 0
    assert all(net(x) == list(y) for x, y in zip(data.X, data.Y))


@pytest.mark.parametrize("seed", range(40))
def test_full_capacity_at_random_sizes(seed):
    """Hypothesis favours small widths; this covers the whole range a1 <= 6, a2 <= 4m at N = capacity."""
    import random

    from exactnet.rational import Q

    rng = random.Random(seed)
    m, a1 = rng.randint(1, 4), rng.randint(1, 6)
    a2 = rng.randint(1, 4 * m)
    n, d = two_layer_capacity(a1, a2, m), rng.randint(1, 4)
    xs: set = set()
    while len(xs) < n:
        xs.add(tuple(Q(rng.randint(-30, 30), rng.randint(1, 5)) for _ in range(d)))
    ys = [[Q(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(m)] for _ in xs]
    data = exactnet.Dataset.from_rows(sorted(xs), ys)
    net = build_two_layer(data, a1, a2, seed=seed)
    assert net.widths == [a1, a2] and verify(net, data).exact


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(1, 6), st.data())
def test_fewer_second_layer_neurons_than_outputs(m, a1, draw):
    """q = a2 div m = 0: every point is an extra point, handled by the leftover neurons."""
    a2 = draw.draw(st.integers(1, m - 1))
    data = draw.draw(datasets(max_dim=3, max_points=a2, outputs=m))
    net = build_two_layer(data, a1, a2)
    assert net.widths == [a1, a2] and verify(net, data).exact


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.data())
def test_capacity_boundary(m, a1, draw):
    a2 = draw.draw(st.integers(m, 3 * m))
    cap = two_layer_capacity(a1, a2, m)
    data = integer_data(cap + 1, 3, draw.draw(st.integers(0, 50)), outputs=m)
    full = exactnet.Dataset.from_rows(data.X[:cap], data.Y[:cap])
    net = build_two_layer(full, a1, a2)
    assert net.widths == [a1, a2] and verify(net, full).exact
    with pytest.raises(CapacityError, match=f"capacity .* = {cap};"):
        build_two_layer(data, a1, a2)


def test_capacity_error_states_the_smallest_widths_that_fit():
    data = integer_data(11, 2, 0, outputs=3)  # 3 x 4 holds 3*1 + 1 = 4
    with pytest.raises(CapacityError) as e:
        build_two_layer(data, 3, 4)
    s1, s2 = map(int, str(e.value).rsplit(":", 1)[1].split(" x "))
    assert (s1, s2) == smallest_two_layer(11, 3, 2) and two_layer_capacity(s1, s2, 3) >= 11


@pytest.mark.parametrize(("n", "m", "d"), [(1, 1, 1), (7, 1, 3), (9, 3, 2), (20, 4, 5), (2000, 10, 64), (5, 7, 1)])
def test_default_widths_are_the_fewest_neurons_then_parameters(n, m, d):
    w = choose_widths(n, m, d)
    assert two_layer_capacity(w.a1, w.a2, m) >= n
    most = w.a1 + w.a2
    fits = [(b1, b2) for b1 in range(1, most) for b2 in range(1, most - b1 + 1) if two_layer_capacity(b1, b2, m) >= n]
    assert min(b1 + b2 for b1, b2 in fits) == w.a1 + w.a2
    params = [exactnet.capacity.parameter_count(d, [b1, b2], m) for b1, b2 in fits if b1 + b2 == w.a1 + w.a2]
    assert exactnet.capacity.parameter_count(d, [w.a1, w.a2], m) == min(params)
    assert f"fewest neurons ({w.a1 + w.a2})" in w.reason


def test_one_width_given_completes_the_other():
    assert choose_widths(10, 3, 1, a1=5).a2 == 6  # 5 * 2 = 10
    assert choose_widths(10, 3, 1, a2=7).a1 == 5  # 5 * 2 + 1 = 11 >= 10 > 4 * 2 + 1
    assert choose_widths(2, 3, 1, a2=2).a1 == 1  # two leftover neurons hold two points


def test_outputs_read_only_their_group():
    data = integer_data(4 * 3, 3, 2, outputs=2)  # a1 = 4, a2 = 6: q = 3 per output
    net = build_two_layer(data, 4, 6)
    v = net.layers[2].weights
    assert [[int(w != 0) for w in row] for row in v] == [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]
    assert net.meta["theorem"] == "Inoue 2020, Theorem 4" and verify(net, data).exact


def test_one_hot_ten_classes_through_the_api():
    """The acceptance shape scaled down (benchmarks/construct.py runs 2,000 points in 64 dimensions)."""
    import random

    rng = random.Random(3)
    raw = integer_data(300, 16, 3, high=256)
    labels = [rng.randrange(10) for _ in raw.X]
    Y, classes = exactnet.encode_labels(labels, "one-hot")
    net = exactnet.build(raw.X, Y)
    assert net.widths == [50, 60] and two_layer_capacity(50, 60, 10) == 300  # 110 neurons; 2,000 points: 143 x 140
    assert exactnet.verify(net, raw.X, Y).exact and classes == tuple(range(10))


def test_cli_outputs_m_and_capacity_exit_2(tmp_path):
    data = integer_data(9, 2, 5, outputs=3)
    path = tmp_path / "data.csv"
    path.write_text("".join(",".join(str(v) for v in (*x, *y)) + "\n" for x, y in zip(data.X, data.Y)))
    runner = CliRunner()
    out = tmp_path / "net.json"
    result = runner.invoke(app, ["build", str(path), "--outputs", "3", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "fewest neurons" in result.output and "for 3 outputs" in result.output
    net = Network.load(out)
    assert net.output_dim == 3 and two_layer_capacity(*net.widths, 3) >= 9
    assert runner.invoke(app, ["verify", str(out), str(path), "-q"]).exit_code == 0
    out2 = tmp_path / "small.json"
    result = runner.invoke(app, ["build", str(path), "-m", "3", "--a1", "2", "--a2", "5", "-o", str(out2), "-q"])
    assert result.exit_code == 2 and "capacity" in result.output and "smallest widths that fit" in result.output
    assert not out2.exists()


def test_theorem4_records_what_it_built_and_reports_progress_per_group_neuron():
    from exactnet.construct.multi_output import build_multi_output

    data = integer_data(13, 3, 4, outputs=2)  # a2 = 7: q = 3 per output and 1 leftover; 4 x 3 main points + 1
    seen = []
    net = build_multi_output(data, 4, 7, seed=3, progress=lambda done, total: seen.append((done, total)))
    assert verify(net, data).exact
    meta = net.meta
    assert (meta["construction"], meta["theorem"], meta["outputs"], meta["main_points"], meta["extra_points"],
            meta["widths"], meta["seed"], meta["points"], meta["data_sha256"]) == \
           ("two-hidden-layer", "Inoue 2020, Theorem 4", 2, 12, 1, [4, 7], 3, 13, data.digest())
    assert meta["projection"] == build_multi_output(data, 4, 7, seed=3).meta["projection"] != \
        build_multi_output(data, 4, 7, seed=4).meta["projection"]
    assert [done for done, _ in seen] == sorted({done for done, _ in seen}) and seen[-1] == (6, 7)
    assert {total for _, total in seen} == {7} and len(seen) >= 2
