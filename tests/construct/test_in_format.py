"""exactnet.build(..., exact_in="float32" | "float16" | "bfloat16"): the verifier's certificate
holds, numpy evaluates every layer exactly in two orders, bad data and impossible targets are
refused with one line."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import activations, float_activations

import exactnet
from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError, CapacityError, DataError
from exactnet.rational import Q


def integer_rows(seed: int, n: int, d: int, m: int, lo: int = -40, hi: int = 60) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    X = np.unique(rng.integers(lo, hi, size=(3 * n + 10, d)), axis=0)
    X = X[rng.permutation(len(X))[:n]]
    return X.tolist(), rng.integers(-300, 300, size=(len(X), m)).tolist()


def equal(fl, exact) -> bool:
    return all(np.array_equal(f.astype(np.float64), np.array([[float(v) for v in row] for row in e]))
               for f, e in zip(fl, exact))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 300), d=st.integers(1, 8), m=st.integers(1, 3))
def test_float32_certificate_holds_and_numpy_float32_is_exact_in_two_orders(seed, n, d, m):
    X, Y = integer_rows(seed, n, d, m)
    net = exactnet.build(X, Y, exact_in="float32", seed=seed)
    cert = exactnet.verify(net, X, Y)
    assert cert.exact and cert.arithmetic.holds("float32") and cert.engine == "float32"
    exact = activations(net, X)
    for order in ("blas", "reversed"):
        assert equal(float_activations(net, X, np.float32, order), exact), order


def test_one_weight_moved_by_one_float32_ulp_is_caught_by_the_verifier_and_in_float32():
    X, Y = integer_rows(3, 400, 5, 1)
    net = exactnet.build(X, Y, exact_in="float32")
    last = len(net.layers) - 1
    exact = activations(net, X)
    caught = 0
    for j in range(net.layers[last].shape[1]):
        w = net.layers[last].weights[0][j]
        if w == 0:
            continue
        up = np.nextafter(np.float32(float(w)), np.float32(np.inf))
        bad = moved_to(net, last, 0, j, Q(Fraction(float(up))))
        cert = exactnet.verify(bad, X, Y, engine="float32")
        assert not cert.exact  # every weight that reads a nonzero activation
        # the ulp puts the layer on a grid 2^-23 finer: the float32 path cannot certify it and declines
        assert cert.engine != "float32" and not cert.arithmetic.holds("float32")
        if not equal(float_activations(bad, X, np.float32)[-1:], exact[-1:]):
            caught += 1
    assert caught > 0  # and the float32 evaluation itself shows the ulp on some of them


def moved_to(net, layer, i, j, value):
    from oracle import moved

    return moved(net, layer, i, j, value - net.layers[layer].weights[i][j])


def test_float16_on_small_data_and_its_numpy_evaluation():
    X, Y = integer_rows(7, 100, 5, 1, 0, 100)
    Y = [[abs(y[0]) % 100] for y in Y]
    net = exactnet.build(X, Y, exact_in="float16")
    cert = exactnet.verify(net, X, Y)
    assert cert.exact and cert.arithmetic.holds("float16") and max(cert.arithmetic.spans) <= 11
    assert equal(float_activations(net, X, np.float16, "reversed"), activations(net, X))


def test_one_hot_labels_get_the_decode_layer():
    X, _ = integer_rows(2, 300, 6, 1)
    labels = [sum(x) % 7 for x in X]
    Y = np.eye(7, dtype=np.int64)[labels].tolist()
    net = exactnet.build(X, Y, exact_in="float32")
    assert net.meta["decode"] == "one-hot" and net.widths[-1] == 9  # K + 2 ramps
    cert = exactnet.verify(net, X, Y)
    assert cert.exact and cert.arithmetic.holds("float32")


def test_dyadic_data_is_scaled_to_integers_and_back():
    X = [[Q(k, 4), Q(-k * k, 8)] for k in range(40)]
    Y = [Q(k % 5, 2) for k in range(40)]
    net = exactnet.build(X, Y, exact_in="float32")
    assert net.meta["data_grids"] == [3, 1]
    cert = exactnet.verify(net, X, Y)
    assert cert.exact and cert.arithmetic.holds("float32")


def test_cells_a_format_cannot_hold_are_named():
    with pytest.raises(DataError, match=r"row 2, input column 1: 1/10 is not a binary32 number"):
        exactnet.build([[1], ["0.1"]], [1, 2], exact_in="float32")
    with pytest.raises(DataError, match=r"row 1, output column 1: 70000 is not a binary16 number"):
        exactnet.build([[1], [2]], [70000, 2], exact_in="float16")
    with pytest.raises(DataError, match=r"row 1, input column 1: 16777217 is not a binary32 number"):
        exactnet.build(Dataset.from_arrays(np.array([[2**24 + 1], [0]]), [1, 2]), exact_in="float32")


def test_no_network_found_names_the_smallest_span_and_a_format_that_works():
    X, Y = integer_rows(5, 200, 5, 1, 0, 100)
    with pytest.raises(CapacityError, match=r"bfloat16: no bucketed network .*smallest span reached: \d+.*"
                                            r"`exact_in` float32 would work"):
        exactnet.build(X, [[abs(y[0]) % 100] for y in Y], exact_in="bfloat16")


def test_the_knobs_fix_depth_and_bucket_size_and_are_checked():
    X, Y = integer_rows(1, 200, 4, 1)
    net = exactnet.build(X, Y, exact_in="float32", depth=4, bucket_size=20)
    assert net.meta["depth"] == 4 and net.meta["bucket_size"] == 20 and len(net.layers) == 5
    assert exactnet.verify(net, X, Y).exact
    for kw, message in [({"depth": 5}, "`depth` 5"), ({"bucket_size": 0}, "`bucket_size` 0"),
                        ({"construction": "dyadic"}, "needs the bucketed construction"),
                        ({"a1": 3, "a2": 3}, "not widths")]:
        with pytest.raises(ArgumentError, match=message):
            exactnet.build(X, Y, exact_in="float32", **kw)
    with pytest.raises(ArgumentError, match="apply to the bucketed construction only"):
        exactnet.build(X, Y, exact_in="float64", depth=3)
