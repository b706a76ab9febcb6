"""The one-hidden-layer baseline: N - 1 neurons, exact, any number of outputs, small numbers."""

from hypothesis import given, settings
from hypothesis import strategies as st

import exactnet
from exactnet.construct.one_layer import breaks, build_one_layer
from exactnet.data.strategies import datasets
from exactnet.data.synthetic import integer_data
from exactnet.rational import Q
from exactnet.verifier import verify


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda m: datasets(max_dim=4, max_points=40, outputs=m)), st.integers(0, 3))
def test_build_then_verify_is_exact(data, seed):
    net = build_one_layer(data, seed=seed)
    assert net.widths == [max(data.n - 1, 1)] and net.output_dim == data.outputs
    assert verify(net, data).exact
    assert all(net(x) == list(y) for x, y in zip(data.X, data.Y))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=2, max_size=30, unique=True))
def test_breaks_lie_strictly_between_consecutive_points(ts):
    t = sorted(Q(v) for v in ts)
    taus, _ = breaks(t, [(Q(0),)] * len(t))
    assert len(taus) == len(t) - 1 and taus == sorted(taus)
    assert all(any(a < tau < b for a, b in zip(t, t[1:])) for tau in taus)


def test_one_point_is_a_bias():
    net = exactnet.build([[3, 4]], [[5, -1]], method="one-hidden-layer")
    assert net.widths == [1] and net.layers[1].weights == ((Q(0),), (Q(0),))
    assert net([3, 4]) == [Q(5), Q(-1)]


def test_bits_stay_small_as_n_grows():
    data = integer_data(500, 5, 0)
    net = exactnet.build(data, method="one-hidden-layer")
    assert net.meta["construction"] == "one-hidden-layer" and verify(net, data).exact
    assert net.bit_stats()["largest_bits"] < 100


def test_the_baseline_records_its_neurons_outputs_and_seed():
    data = integer_data(9, 3, 2, outputs=2)
    net = build_one_layer(data, seed=5)
    meta = net.meta
    assert (meta["construction"], meta["hidden"], meta["outputs"], meta["seed"], meta["points"]) == \
           ("one-hidden-layer", net.widths[0], 2, 5, 9)
    assert meta["projection"] == build_one_layer(data, seed=5).meta["projection"] != \
        build_one_layer(data, seed=6).meta["projection"]
    assert build_one_layer(data).meta["seed"] == 0
