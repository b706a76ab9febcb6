"""Parsing target types and rounding exact rationals into them."""

from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactnet.export.dtypes import ExportError, FixedType, parse_dtype, round_fixed, round_float
from exactnet.export.rounding import round_network
from exactnet.network import Layer, Network
from exactnet.rational import Q


def test_parse():
    assert parse_dtype("float32").precision == 24
    assert parse_dtype("bfloat16").dtype == np.dtype(ml_dtypes.bfloat16)
    fx = parse_dtype("fixed:Q16.16")
    assert fx == FixedType(16, 16) and fx.storage_bits == 32 and fx.dtype == np.int32
    assert parse_dtype("fixed:Q4.3").storage_bits == 8 and parse_dtype("fixed:Q20.30").storage_bits == 64
    assert parse_dtype("fixed:auto32").total_bits == 32
    for bad in ("float8", "fixed:Q0.4", "fixed:Q40.40", "fixed:auto12", "int8"):
        with pytest.raises(ExportError, match="dtype"):
            parse_dtype(bad)


@given(st.integers(-(10**35), 10**35), st.integers(1, 10**40))
def test_float_rounding_is_correct(n, d):
    q = Fraction(n, d)
    assert float(round_float(Q(n, d), parse_dtype("float64"))) == float(q)  # Python's division rounds correctly
    r32 = Fraction(float(round_float(Q(n, d), parse_dtype("float32"))))
    f32 = np.float32(r32)
    neighbours = [Fraction(float(np.nextafter(f32, np.float32(s)))) for s in (np.inf, -np.inf)]
    assert all(abs(r32 - q) <= abs(v - q) for v in neighbours)


def test_huge_rationals_round_once_without_overflow():
    q = Q(3**3000 + 1, 3**2990)  # about 59049, numerator of ~4755 bits
    assert float(round_float(q, parse_dtype("float64"))) == float(Fraction(3**3000 + 1, 3**2990))
    assert round_float(Q(10**5000), parse_dtype("float32")).is_infinite()
    assert float(round_float(Q(65519), parse_dtype("float16"))) == 65504.0
    assert round_float(Q(65520), parse_dtype("float16")).is_infinite()  # ties to even, overflow
    assert float(round_float(Q(1, 2**149), parse_dtype("float32"))) == 2.0**-149  # subnormal
    assert float(round_float(Q(257), parse_dtype("bfloat16"))) == 256.0


def test_fixed_rounding_ties_to_even_and_range_errors_name_the_weight():
    assert [round_fixed(Q(k, 2), 0) for k in (1, 3, 5, -1, -3)] == [0, 2, 2, 0, -2]
    assert round_fixed(Q(1, 3), 8) == 85
    net = Network((Layer(((Q(1), Q(300)),), (Q(0),), "linear"),))
    with pytest.raises(ExportError, match=r"layer 1 weight \[0\]\[1\] = 300 .*needs 10 integer bits"):
        round_network(net, FixedType(8, 8))
