"""Integer inputs as one array (``IntegerRows``): every answer equals the one computed row by row
from the same numbers as rationals, and a data set read that way certifies the same."""

from __future__ import annotations

import importlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracle import forward, moved

import exactnet
from exactnet.data.dataset import Dataset
from exactnet.data.integer_rows import IntegerRows, first_occurrence, row_texts
from exactnet.data.synthetic import integer_array_data, integer_data
from exactnet.errors import ArgumentError, DataError
from exactnet.rational import Q
from exactnet.verifier import span, verify
from exactnet.verifier.blocks import run_blocks

LIMIT = 2**63 - 1
DTYPES = st.sampled_from([np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64])


@st.composite
def arrays(draw, rows=st.integers(1, 30), cols=st.integers(1, 6), small=False):
    dtype = np.dtype(draw(DTYPES))
    info = np.iinfo(dtype)
    lo, hi = (max(info.min, -3), min(info.max, 3)) if small else (max(info.min, -LIMIT), info.max)
    shape = (draw(rows), draw(cols))
    return draw(hnp.arrays(dtype, shape, elements=st.integers(lo, hi)))


@given(arrays())
def test_row_texts_are_the_rows_as_python_prints_them(A):
    assert row_texts(A) == [",".join(map(str, row)).encode() for row in A.tolist()]


@given(arrays(small=True))
def test_first_occurrence_is_the_first_equal_row(A):
    seen: dict[tuple[int, ...], int] = {}
    assert first_occurrence(A).tolist() == [seen.setdefault(tuple(r), k) for k, r in enumerate(A.tolist())]


def test_rows_with_equal_hashes_are_still_told_apart(monkeypatch):
    module = importlib.import_module("exactnet.data.integer_rows")
    monkeypatch.setattr(module, "_row_hashes", lambda A: np.zeros(len(A), dtype=np.uint64))
    A = np.array([[1, 2], [3, 4], [1, 2], [3, 4], [5, 6]], dtype=np.int64)
    assert first_occurrence(A).tolist() == [0, 1, 0, 1, 4]


@given(arrays(), st.lists(st.integers(-2**70, 2**70), min_size=6, max_size=6))
def test_sums_of_products_grid_and_scaling_are_exact(A, r):
    rows = IntegerRows(A)
    plain = A.tolist()
    r = r[:A.shape[1]]
    assert [int(v) for v in rows.products(r)] == [sum(a * b for a, b in zip(x, r)) for x in plain]
    assert rows.reach(r) == max(sum(abs(a * b) for a, b in zip(x, r)) for x in plain)
    small = [v % 7 - 3 for v in r]  # sums below 2^53: one matrix product for both rows
    assert [[int(v) for v in t] for t in rows.many_products([r, small])] == \
           [[sum(a * b for a, b in zip(x, q)) for x in plain] for q in (r, small)]
    assert rows.max_abs() == max(abs(v) for x in plain for v in x)
    nonzero = [v for x in plain for v in x if v]
    assert rows.grid() == (max(span.exponent(Q(v)) for v in nonzero) if nonzero else None)
    e = rows.grid() or 0
    for shift in (e, e + 3):
        assert [[int(v) for v in x] for x in rows.scaled(shift)] == [[int(Q(v) * Q(2) ** shift) for v in x]
                                                                    for x in plain]


@st.composite
def labelled(draw):
    A = draw(arrays(rows=st.integers(1, 25), cols=st.integers(1, 3), small=True))
    Y = draw(hnp.arrays(np.int64, (A.shape[0], draw(st.integers(1, 2))), elements=st.integers(0, 1)))
    return A, Y


@given(labelled(), st.booleans())
def test_an_array_data_set_equals_the_one_read_row_by_row(case, merge):
    A, Y = case
    try:
        want = Dataset.from_rows(A.tolist(), Y.tolist(), source="f", merge=merge)
    except DataError as e:
        with pytest.raises(DataError) as got:
            Dataset.from_arrays(A, Y, source="f", merge=merge)
        assert str(got.value) == str(e)
        return
    got = Dataset.from_arrays(A, Y, source="f", merge=merge)
    assert isinstance(got.X, IntegerRows)
    assert list(got.X) == list(want.X) and got.Y == want.Y and got.merged == want.merged
    assert got.digest() == want.digest()


def test_npz_files_of_integers_are_read_as_arrays(tmp_path):
    data = integer_array_data(50, 7, seed=3)
    np.savez(tmp_path / "d.npz", X=data.X.array, Y=np.array([[int(v) for v in y] for y in data.Y]))
    got = exactnet.read_data(tmp_path / "d.npz")
    assert isinstance(got.X, IntegerRows) and got.X.array.dtype == np.uint8
    assert got.digest() == data.digest() == Dataset.from_rows(list(data.X), list(data.Y)).digest()


def test_array_data_is_distinct_reproducible_and_in_range():
    a, b = integer_array_data(1200, 2, seed=1, high=40), integer_array_data(1200, 2, seed=1, high=40)
    assert np.array_equal(a.X.array, b.X.array) and a.Y == b.Y  # 1,200 of 1,600 cells: redraws happened
    assert len({tuple(x) for x in a.X.array.tolist()}) == 1200
    assert a.X.array.min() >= 0 and a.X.array.max() < 40 and a.merged == 0
    with pytest.raises(ValueError, match="fewer than"):
        integer_array_data(5, 1, high=4)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**20), st.sampled_from(["float64", "int64", "rational"]))
def test_array_and_row_data_get_the_same_certificate_on_every_path(seed, target):
    data = integer_data(60, 3, seed % 1000)
    rows = Dataset.from_rows(list(data.X), list(data.Y))
    net = exactnet.build(data, exact_in=target, seed=seed)
    for n in (net, moved(net, 1, 0, 0, Q(1, 2**100))):
        for engine in ("float64", "prefix", "integer", "flint"):
            a, b = verify(n, data, engine=engine), verify(n, rows, engine=engine)
            assert (a.exact, a.max_error, a.failed, a.failures, a.arithmetic, a.engine, a.data_sha256) == \
                   (b.exact, b.max_error, b.failed, b.failures, b.arithmetic, b.engine, b.data_sha256)
        assert verify(n, data).exact == all(
            forward(n, x) == [Fraction(int(v)) for v in y] for x, y in zip(data.X.array.tolist(), data.Y))


def test_a_784_column_array_builds_and_verifies_on_the_prefix_path():
    data = integer_array_data(2000, 784, seed=0)
    net = exactnet.build(data, construction="dyadic")
    cert = verify(net, data)
    assert cert.exact and cert.engine in ("float32", "float64", "prefix")
    x, y = data.X.array[1234].tolist(), data.Y[1234]
    assert forward(net, x) == [Fraction(int(v)) for v in y]


def _double(shared, item):
    return None if item == shared else [2 * item]


def test_blocks_come_back_in_order_with_a_bounded_number_in_flight():
    pulled, seen = [], []

    def items():
        for k in range(20):
            pulled.append(k)
            yield k

    class Done:
        def __init__(self, value): self.value = value
        def result(self): return self.value
        def cancel(self): return True

    module = importlib.import_module("exactnet.verifier.blocks")
    out = module._windowed(lambda k: Done(_double(-1, k)), items(), 3, lambda k: 1, 20,
                           lambda done, total: seen.append((done, len(pulled))), False)
    assert out == [[2 * k] for k in range(20)]
    assert all(p - d <= 3 for d, p in seen) and seen[-1] == (20, 20)
    assert run_blocks(_double, 5, range(10), points=lambda k: 1, total=10, stop_on_none=True) is None
    with pytest.raises(ArgumentError):
        run_blocks(_double, 0, range(3), points=lambda k: 1, total=3, jobs=0)


def test_worker_processes_give_the_same_results_and_certificate(monkeypatch):
    assert run_blocks(_double, -1, range(9), points=lambda k: 1, total=9, jobs=2) == [[2 * k] for k in range(9)]
    assert run_blocks(_double, 4, range(9), points=lambda k: 1, total=9, jobs=2, stop_on_none=True) is None
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.dyadic"), "BLOCK", 64)
    data = integer_data(300, 4, 2)
    net = exactnet.build(data, exact_in="int64")
    for n in (net, moved(net, 2, 0, 0, Q(1, 2**100))):
        for engine in ("float64", "prefix"):
            a, b = verify(n, data, engine=engine), verify(n, data, engine=engine, jobs=2)
            assert (a.exact, a.max_error, a.failed, a.failures, a.arithmetic, a.engine) == \
                   (b.exact, b.max_error, b.failed, b.failures, b.arithmetic, b.engine)


def test_the_sample_only_skips_rows_the_full_check_would_refuse(monkeypatch):
    module = importlib.import_module("exactnet.construct.projection")
    monkeypatch.setattr(module, "SAMPLE", 1000)
    data = integer_data(20_000, 3, 5)
    predicted = module._predicted_pairs
    skipped = []

    def counted(t, n):
        p = predicted(t, n)
        skipped.append(p > module.SKIP_PAIRS)
        return p

    monkeypatch.setattr(module, "_predicted_pairs", counted)
    done = []
    fast = module.project(data.X, 0, draws=6, narrowest=True, progress=lambda k, total: done.append((k, total)))
    assert sum(skipped) >= 6 and done[-1] == (module.MAX_BOUND_BITS + 1,) * 2
    monkeypatch.setattr(module, "SKIP_PAIRS", float("inf"))
    assert module.project(data.X, 0, draws=6, narrowest=True) == fast


@pytest.mark.parametrize("spread", [2**12, 2**14, 2**16])
def test_predicted_equal_pairs_are_near_the_true_count(spread):
    module = importlib.import_module("exactnet.construct.projection")
    t = np.random.default_rng(spread).integers(0, spread, size=200_000)
    ranked = np.sort(t)
    _, counts = np.unique(ranked, return_counts=True)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    sample = t[np.random.default_rng(1).choice(len(t), 20_000, replace=False)]
    assert 0.8 * true_pairs <= module._predicted_pairs(sample, len(t)) <= 1.2 * true_pairs


def test_the_piecewise_path_certifies_array_data_as_row_data():
    from exactnet.construct.theorem3 import build_two_layer

    data = integer_data(300, 6, 4, 0, 256)
    rows = Dataset.from_rows(list(data.X), list(data.Y))
    net = build_two_layer(data, None, None)
    for n in (net, moved(net, 1, 0, 0, Q(1, 2**100))):
        a, b = verify(n, data), verify(n, rows)
        assert a.engine == "piecewise" and a == b


def test_integer_rows_equal_the_same_numbers_in_any_form():
    A = np.array([[1, -2], [3, 4]], dtype=np.int16)
    rows = IntegerRows(A)
    assert rows == IntegerRows(A.astype(np.int64))  # the values decide, not the dtype
    assert rows == [(1, -2), (3, 4)] and rows == [(Fraction(1), Fraction(-2)), (3, 4)]
    assert rows != IntegerRows(A[:1]) and rows != IntegerRows(A.T.copy()[:, :1])  # other shapes
    assert rows != IntegerRows(np.array([[1, -2], [3, 5]])) and rows != [(1, -2), (3, 5)]  # one value off
    assert rows != [(1, -2)] and rows != [(1, -2), (3, 4), (5, 6)]  # other lengths
    assert rows != 5 and rows.__eq__(5) is NotImplemented
    assert repr(IntegerRows(A[:, :1])) == "IntegerRows(2 x 1, int16)"
