"""The a-priori bound holds: measured error <= bound, on small random networks (property)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from exactnet.data.dataset import Dataset
from exactnet.export.dtypes import FLOATS
from exactnet.export.measure import measure
from exactnet.network import Layer, Network
from exactnet.rational import Q

rational = st.builds(Q, st.integers(-10**6, 10**6), st.integers(1, 10**4))


@st.composite
def network_and_data(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    layers = []
    for k, (i, o) in enumerate(zip(sizes, sizes[1:])):
        W = tuple(tuple(draw(rational) for _ in range(i)) for _ in range(o))
        b = tuple(draw(rational) for _ in range(o))
        layers.append(Layer(W, b, "linear" if k == len(sizes) - 2 else "relu"))
    net = Network(tuple(layers))
    X = draw(st.lists(st.tuples(*[rational] * sizes[0]), min_size=1, max_size=6, unique=True))
    return net, Dataset.from_rows(X, [net(x) for x in X])


@settings(max_examples=40, deadline=None)
@given(network_and_data(), st.sampled_from(sorted(FLOATS)))
def test_measured_error_is_within_the_bound(case, name):
    net, data = case
    report, _ = measure(net, FLOATS[name], data)
    for j in range(data.outputs):
        assert report.arithmetic.max_error[j] <= report.bound[j]
        assert report.rounding.max_error[j] <= report.bound[j]


def test_an_infinite_bound_stays_infinite_through_zero_weights():
    zero = (Q(0),) * 3
    net = Network((Layer((zero, zero, (Q(289), Q(0), Q(0))), zero, "relu"),
                   Layer((zero, zero, (Q(0), Q(0), Q(1))), zero, "relu"),
                   Layer(((Q(0), Q(0), Q(1)),), (Q(0),), "linear")))
    X = [zero, (Q(226), Q(0), Q(0))]  # 289 * 226 = 65314 may round past float16's 65504
    data = Dataset.from_rows(X, [net(x) for x in X])
    report, _ = measure(net, FLOATS["float16"], data)
    assert report.arithmetic.max_error[0] == 2 and report.bound[0] == float("inf")
