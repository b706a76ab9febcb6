"""The report: class changes for classifiers, overflow counts, no crash on huge errors."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import F

from exactnet.data.dataset import Dataset
from exactnet.data.labels import argmax_hits
from exactnet.export import measure, parse_dtype
from exactnet.export.dtypes import ExportError, FixedType, round_float, to_numpy
from exactnet.export.emulate import fixed_forward, float_forward, mpfr_forward
from exactnet.export.measure import error_stats
from exactnet.export.rounding import integer_bits, quantize_inputs, round_network
from exactnet.network import Layer, Network
from exactnet.rational import Q


def _classifier():
    net = Network((Layer(((Q(1), Q(0)), (Q(0), Q(1))), (Q(0), Q(0)), "relu"),
                   Layer(((Q(1), Q(-1)), (Q(-1), Q(1))), (Q(0), Q(1, 1000)), "linear")),
                  {"labels": "one-hot", "classes": ["cat", "dog"]})
    X = [(Q(5), Q(5)), (Q(1), Q(3)), (Q(4), Q(2))]
    return net, Dataset.from_rows(X, [net(x) for x in X])


def test_class_changes_are_counted_only_for_classifiers():
    net, data = _classifier()
    report, _ = measure(net, parse_dtype("fixed:Q4.4"), data)  # 1/1000 rounds to 0: (5, 5) ties, argmax moves
    assert report.arithmetic.class_changes == 1 and report.rounding.class_changes == 1
    report, _ = measure(net, parse_dtype("float64"), data)
    assert report.arithmetic.class_changes == 0
    plain = Network(net.layers)
    assert measure(plain, parse_dtype("float64"), data)[0].arithmetic.class_changes is None


def test_a_tie_is_not_the_label_for_verify_and_export_alike():
    """One argmax rule: a tie for the largest output predicts no class, even when the label is
    the first of the tied indices; the verifier's count and the export's class changes agree."""
    one_hot = [(1, 0), (0, 1), (1, 0)]
    outputs = [(Q(1), Q(1)), (Q(2), Q(2)), (Q(3), Q(-1))]  # tie at the label, tie, the label
    assert argmax_hits(outputs, one_hot) == 1
    changes = error_stats("tie", outputs, one_hot, ["cat", "dog"]).class_changes
    assert changes == len(one_hot) - argmax_hits(outputs, one_hot) == 2


def test_overflow_is_reported_not_raised():
    net = Network((Layer(((Q(10**6),),), (Q(0),), "relu"), Layer(((Q(10**6),),), (Q(-1),), "linear")))
    X = [(Q(3),), (Q(1, 7),)]
    data = Dataset.from_rows(X, [net(x) for x in X])
    report, _ = measure(net, parse_dtype("float16"), data)
    assert report.weights_overflowed == 2 and report.max_error == math.inf
    assert report.arithmetic.nonfinite == 2 and report.bound == (math.inf,)
    report, _ = measure(net, parse_dtype("float32"), data)
    assert report.weights_overflowed == 0 and report.overflows == 0 and report.max_error <= report.bound[0]
    report, _ = measure(net, parse_dtype("fixed:Q24.8"), data)
    assert report.overflows > 0  # 3e12 saturates the 32-bit storage


# The target arithmetic itself: rounding the weights, quantizing inputs and the three emulations.

Q16_16 = FixedType(16, 16)
LO, HI = Q16_16.lo, Q16_16.hi  # -2^31, 2^31 - 1


def _net_with_fractions():
    """A 2 -> 3 -> 2 network whose weights and biases all round (sevenths, elevenths)."""
    W1 = ((Q(3, 7), Q(-5, 11)), (Q(-2, 7), Q(9, 11)), (Q(1, 3), Q(1, 7)))
    W2 = ((Q(5, 7), Q(-1, 3), Q(2, 11)), (Q(-4, 7), Q(3, 11), Q(1, 9)))
    return Network((Layer(W1, (Q(1, 11), Q(-1, 7), Q(2, 3)), "relu"), Layer(W2, (Q(-1, 5), Q(1, 13)), "linear")))


def test_fixed_rounding_stores_integers_whose_exact_values_are_the_network():
    net = _net_with_fractions()
    fx = FixedType(4, 6)
    rounded = round_network(net, fx)
    assert rounded.overflowed == 0 and rounded.activations == ("relu", "linear")
    for (W, b), exact, layer in zip(rounded.arrays, rounded.exact.layers, net.layers):
        assert W.dtype == np.int16 and b.dtype == np.int16 and W.shape == layer.shape and b.shape == (layer.shape[0],)
        assert [[F(w) for w in row] for row in exact.weights] == [[Fraction(int(k), 64) for k in row] for row in W]
        assert [F(v) for v in exact.bias] == [Fraction(int(k), 64) for k in b]
        assert [[int(k) for k in row] for row in W] == [[round(F(w) * 64) for w in row] for row in layer.weights]
        assert [int(k) for k in b] == [round(F(v) * 64) for v in layer.bias]  # Python's round: ties to even


def test_a_fixed_format_too_narrow_names_the_number_its_size_and_the_bits_it_needs():
    net = Network((Layer(((Q(1), Q(2)),), (Q(0),), "relu"), Layer(((Q(1),),), (Q(-19, 2),), "linear")))
    with pytest.raises(ExportError) as e:
        round_network(net, FixedType(4, 4))
    assert str(e.value) == ("fixed:Q4.4 cannot hold layer 2 bias [0] = -9.5 (|value| < 2^3 needed; "
                            "this one needs 5 integer bits)")
    net = Network((Layer(((Q(1), Q(300)),), (Q(0),), "linear"),))
    with pytest.raises(ExportError, match=r"^fixed:Q8.8 cannot hold layer 1 weight \[0\]\[1\] = 300 "):
        round_network(net, FixedType(8, 8))


@given(st.fractions(max_denominator=10**6).filter(lambda q: abs(q) < 2**40))
def test_integer_bits_is_the_smallest_m_with_the_value_inside_2_to_the_m_minus_1(q):
    m = integer_bits(Q(q.numerator, q.denominator))
    assert abs(q) < 2 ** (m - 1) and (m == 1 or abs(q) >= 2 ** (m - 2))


def test_inputs_quantize_to_nearest_even_and_saturate_with_a_count():
    fx = FixedType(4, 4)  # 8 bits: integers -128 .. 127, steps of 1/16
    X = [(Q(1, 32), Q(3, 32), Q(-1, 32)), (Q(7), Q(8), Q(-8)), (Q(-9), Q(100), Q(127, 16))]
    Xq, saturated = quantize_inputs(X, fx)
    assert Xq == [[0, 2, 0], [112, 127, -128], [-128, 127, 127]]  # 8 saturates to 127, -9 to -128
    assert saturated == 3


def _fixed_layer(weights, bias):
    W = np.array(weights, dtype=np.int32).reshape(len(weights), -1)
    return W, np.array(bias, dtype=np.int32)


def test_the_accumulator_saturates_at_the_ends_of_int64_and_recovers():
    """W = (-2^31, ..., 1) in Q16.16; each row's products are +-2^62 (or -2^62 + 2^31), enough to
    pass one end of the 64-bit accumulator, followed by products that come back, and a last one
    that leaves the sum next to a rounding boundary: one unit more or less at the saturated end
    changes the output."""
    layer = _fixed_layer([[LO, LO, LO, LO, LO, 1]], [0])
    rows = [
        [LO, LO, HI, HI, 0, 2**15 + 1],  # 2^63 saturates to 2^63 - 1; back to 2^32 - 1; + 2^15 + 1
        [LO, LO, HI, HI, 0, 2**15],  # ... + 2^15: 2^32 + 2^15 - 1 rounds down
        [HI, HI, HI, LO, LO, 2**15],  # below -2^63: saturates to -2^63; back to 0; + 2^15 rounds up
        [HI, HI, HI, LO, LO, 2**15 - 1],  # ... rounds down
    ]
    out, saturations = fixed_forward([layer], rows, Q16_16, ["linear"])
    assert out.tolist() == [[2**16 + 1], [2**16], [1], [0]] and saturations == 4
    assert all(isinstance(v, int) for v in out.ravel())  # Python integers: no int64 wrap-around


def test_the_fixed_emulation_clamps_only_beyond_the_range_and_relu_keeps_the_smallest_step():
    one = 1 << 16  # 1.0 in Q16.16
    layers = [_fixed_layer([[one]], [0]), _fixed_layer([[one]], [0])]
    out, saturations = fixed_forward(layers, [[HI], [LO], [1], [-1], [0]], Q16_16, ["relu", "linear"])
    assert out.tolist() == [[HI], [0], [1], [0], [0]] and saturations == 0
    out, saturations = fixed_forward([_fixed_layer([[2 * one]], [-one])], [[HI], [LO], [3]], Q16_16, ["linear"])
    assert out.tolist() == [[HI], [LO], [6 - one]] and saturations == 2


def test_float_emulation_counts_non_finite_values_in_every_layer_and_keeps_the_last_layer_signed():
    W1, b1 = np.array([[np.float16(60000)]]), np.array([np.float16(0)])
    W2, b2 = np.array([[np.float16(1)]]), np.array([np.float16(-1)])
    X = np.array([[2.0], [1e-3], [-1.0]], dtype=np.float16)
    out, overflows = float_forward([(W1, b1), (W2, b2)], X, ["relu", "linear"])
    assert overflows == 2  # inf in layer 1 and again in layer 2, for the first row
    assert out.dtype == np.float16 and out[0, 0] == np.inf and out[2, 0] == -1
    assert out[1, 0] == np.float16(np.float16(np.float16(1e-3) * np.float16(60000)) - np.float16(1))


@pytest.mark.parametrize("name", ["float64", "float32", "float16", "bfloat16"])
def test_mpfr_at_a_floats_precision_equals_numpys_arithmetic_in_that_float(name):
    """MPFR with the significand width of a float type (no overflow or subnormals here) rounds
    every operation as IEEE arithmetic in that type does: a second opinion from numpy."""
    ft = parse_dtype(name)
    net = _net_with_fractions()
    X = [(Q(k, 13), Q(-k, 5)) for k in range(-6, 7)]
    wide = mpfr_forward(net, X, ft.precision)
    Xf = to_numpy([[round_float(v, ft) for v in x] for x in X], ft)
    rounded = round_network(net, ft)
    narrow, overflows = float_forward(rounded.arrays, Xf, rounded.activations)
    assert overflows == 0 and narrow.dtype == ft.dtype
    assert [[float(v) for v in row] for row in wide] == narrow.astype(np.float64).tolist()
    assert mpfr_forward(net, X, 200).tolist() != wide.tolist()  # the precision is used
