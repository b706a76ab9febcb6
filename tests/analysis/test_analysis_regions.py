"""Activity on the data: zero neurons, activation patterns, linear pieces (exact)."""

from fractions import Fraction

import pytest

from exactnet.analysis.bits import synthetic
from exactnet.analysis.regions import analyse, count_pieces, piecewise
from exactnet.construct.one_layer import build_one_layer
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.errors import DataError
from exactnet.network import Layer, Network
from exactnet.rational import Q


def _net(layers):
    return Network(tuple(Layer(tuple(tuple(Q(v) for v in r) for r in W), tuple(Q(v) for v in b), act)
                         for W, b, act in layers))


def test_a_dead_neuron_and_patterns_are_found():
    # relu(x), relu(-x - 10) (zero on x >= -10), relu(x - 2); output sums them
    net = _net([([[1], [-1], [1]], [0, -10, -2], "relu"), ([[1, 1, 1]], [0], "linear")])
    data = Dataset.from_rows([[0], [1], [3], [5]], [0, 1, 4, 8])
    r = analyse(net, data)
    assert r.layers[0].zero == (1,) and r.layers[0].patterns == 3  # (off,off,off) at 0, (on,off,off), (on,off,on)
    assert r.layers[0].always_on == ()
    assert r.pieces == 2 and r.data_range == (0, 5)  # slope 1 on [0, 2], 2 on [2, 5]


def test_pieces_walk_matches_exact_evaluation_between_breakpoints():
    data = synthetic(30, 1)
    net = build_two_layer(data, 5, 6)
    lo, hi = min(x[0] for x in data.X), max(x[0] for x in data.X)
    cells = piecewise(net, lo, hi)
    assert cells[0][0] == lo and cells[-1][1] == hi
    for a, b, maps in cells:
        for t in (Fraction(1, 3), Fraction(1, 2), Fraction(5, 7)):
            x = a + (b - a) * t
            assert net([x])[0] == maps[0][0] * x + maps[0][1]
    assert count_pieces(cells) <= len(cells)
    assert analyse(net, data).pieces >= len(data.X) - 1 - 1  # interpolating N points in general position


def test_one_layer_interpolant_has_one_piece_per_point():
    data = Dataset.from_rows([[0], [1], [2], [4]], [0, 1, 0, 3])
    assert analyse(build_one_layer(data), data).pieces == 4  # breaks between the points


@pytest.mark.parametrize("dim", [2, 5])
def test_several_inputs_give_patterns_but_no_pieces(dim):
    data = synthetic(20, dim)
    r = analyse(build_two_layer(data), data)
    assert r.pieces is None and 1 <= r.joint_patterns <= 20


def test_wrong_input_size_is_a_data_error():
    with pytest.raises(DataError, match="inputs"):
        analyse(build_two_layer(synthetic(9, 2)), synthetic(9, 3))
