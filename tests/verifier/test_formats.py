"""The float formats of the certificate agree with numpy's and ml_dtypes' own numbers."""

from __future__ import annotations

from fractions import Fraction

import ml_dtypes
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from exactnet.data.integer_rows import IntegerRows
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier.span import FLOATS, not_representable, representable

DTYPES = {"binary64": np.float64, "binary32": np.float32, "binary16": np.float16, "bfloat16": ml_dtypes.bfloat16}


@given(st.integers(-(1 << 60), 1 << 60), st.integers(-160, 160), st.sampled_from(sorted(FLOATS)))
def test_representable_is_what_the_dtype_holds(odd, power, fmt):
    q = Q(odd) * Q(2) ** power
    with np.errstate(over="ignore"):
        rounded = DTYPES[fmt](float(Fraction(int(q.numerator), int(q.denominator))))
    held = bool(np.isfinite(rounded)) and Fraction(float(rounded)) == Fraction(int(q.numerator), int(q.denominator))
    assert representable(q, fmt) == held


def test_integer_inputs_are_judged_by_arrays_as_by_numbers():
    X = np.array([[1, 2048], [2049, 4096], [65504, 65536], [255, 257]], dtype=np.int64)
    net = Network((Layer(((Q(1), Q(0)),), (Q(0),), "linear"),))
    by_array = not_representable(net, IntegerRows(X))
    by_rows = not_representable(net, [tuple(map(Q, row)) for row in X.tolist()])
    assert by_array == by_rows
    assert by_array == {"binary16": "input row 2, column 1 (2049) is not a binary16 number",
                        "bfloat16": "input row 2, column 1 (2049) is not a bfloat16 number"}
    wide = np.array([[65536 * 3]], dtype=np.int64)  # 2^17.6: 2 significand bits, past float16's largest
    assert "binary16" in not_representable(net, IntegerRows(wide)) and "bfloat16" not in not_representable(
        net, IntegerRows(wide))
