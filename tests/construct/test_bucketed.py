"""The bucketed construction (exactnet/construct/bucketed.py): exact in rationals on every data
point, and where the spans allow it, exact in numpy float32 / float16 in several summation
orders with every hidden activation equal to the exact one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnet.construct.bucketed import build_bucketed, build_for_format, spans
from exactnet.errors import ArgumentError, CapacityError


def seed_data(n: int, d: int = 5, m: int = 1, seed: int = 0, lo: int = 0, hi: int = 100,
              ylo: int = 0, yhi: int = 100) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.unique(rng.integers(lo, hi, size=(2 * n + 10, d)), axis=0)
    X = X[rng.permutation(len(X))[:n]]
    return X.astype(np.int64), rng.integers(ylo, yhi, size=(len(X), m)).astype(np.int64)


def int_layers(net):
    out = []
    for L in net.layers:
        assert all(v.denominator == 1 for row in L.weights for v in row)
        assert all(v.denominator == 1 for v in L.bias)
        W = np.array([[int(v) for v in row] for row in L.weights], dtype=object)
        b = np.array([int(v) for v in L.bias], dtype=object)
        out.append((W, b))
    return out


def exact_acts(net, X):
    """Activations of every layer in Python integers (object arrays)."""
    a = np.array(X.tolist(), dtype=object)
    acts = []
    layers = int_layers(net)
    for k, (W, b) in enumerate(layers):
        z = a.dot(W.T) + b
        a = z if k == len(layers) - 1 else np.where(z > 0, z, 0)
        acts.append(a)
    return acts


def float_eval(net, X, dtype, order: str, overrides=None):
    """Activations in ``dtype`` with the given summation order: "blas" (A @ W.T + b),
    "reversed" (bias first, then terms from the last input to the first), "pairwise"
    (np.add.reduce of the products over a permuted axis, bias last)."""
    rng = np.random.default_rng(1)
    a = X.astype(dtype)
    acts = []
    for k, L in enumerate(net.layers):
        W = np.array([[float(v) for v in row] for row in L.weights]).astype(dtype)
        b = np.array([float(v) for v in L.bias]).astype(dtype)
        if overrides and k in overrides:
            W, b = overrides[k](W, b)
        if order == "blas":
            z = (a @ W.T + b).astype(dtype)
        elif order == "reversed":
            z = np.broadcast_to(b, (a.shape[0], W.shape[0])).astype(dtype)
            for i in reversed(range(W.shape[1])):
                z = (z + (a[:, i:i + 1] * W[None, :, i]).astype(dtype)).astype(dtype)
        else:
            perm = rng.permutation(W.shape[1])
            prod = (a[:, None, perm] * W[None, :, perm]).astype(dtype)
            z = (np.add.reduce(prod, axis=2, dtype=dtype) + b).astype(dtype)
        a = z if k == len(net.layers) - 1 else np.maximum(z, dtype(0))
        acts.append(a)
    return acts


def same(fl, ex) -> bool:
    return all(np.array_equal(f.astype(np.float64), np.array(e, dtype=np.float64)) for f, e in zip(fl, ex))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 300), d=st.integers(1, 8), m=st.integers(1, 3),
       q=st.integers(4, 40), depth=st.sampled_from([3, 4]), lo=st.integers(-60, 0), width=st.integers(3, 120))
def test_exact_in_rationals(seed, n, d, m, q, depth, lo, width):
    X, Y = seed_data(n, d, m, seed, lo, lo + width, -500, 500)
    net = build_bucketed(X, Y, depth=depth, bucket_size=q, seed=seed)
    assert len(net.layers) == depth + 1
    assert net.meta["construction"] == "bucketed" and net.meta["depth"] == depth and net.meta["bucket_size"] == q
    acts = exact_acts(net, X)
    assert (acts[-1] == np.array(Y.tolist(), dtype=object)).all()
    for i in range(0, len(X), max(1, len(X) // 5)):  # Network.__call__ on a few points
        assert [int(v) for v in net(X[i].tolist())] == Y[i].tolist()
    # spans: recomputed here from the exact activations
    mine = []
    prev = np.array(X.tolist(), dtype=object)
    for (W, b), a in zip(int_layers(net), acts):
        mine.append(int(np.abs(prev).dot(np.abs(W).T).__add__(np.abs(b)).max()).bit_length())
        prev = a
    assert spans(net, X) == mine == net.meta["spans"]


@pytest.mark.parametrize("depth,n,q,m", [(4, 1000, 56, 1), (3, 600, 40, 1), (4, 400, 30, 3)])
def test_float32_exact_two_orders_and_ulp(depth, n, q, m):
    X, Y = seed_data(n, m=m, seed=depth)
    net = build_bucketed(X, Y, depth=depth, bucket_size=q, seed=3)
    sp = spans(net, X)
    assert max(sp) <= 24, sp
    ex = exact_acts(net, X)
    for order in ("blas", "reversed", "pairwise"):
        fl = float_eval(net, X, np.float32, order)
        assert same(fl, ex), order
        assert np.array_equal(fl[-1].astype(np.int64), Y)
    # one first-layer weight (a pass-through of an input) moved by one float32 ulp
    col = int(np.argmax(np.abs(X).max(axis=0)))
    row = next(i for i, r in enumerate(net.layers[0].weights) if int(r[col]) == 1 and sum(abs(int(v)) for v in r) == 1)

    def bump(W, b):
        W = W.copy()
        W[row, col] = np.nextafter(W[row, col], np.float32(2))
        return W, b

    assert not same(float_eval(net, X, np.float32, "blas", {0: bump}), ex)
    # the output bias moved by one ulp: the points whose output equals it change
    last = len(net.layers) - 1

    def bump_bias(W, b):
        b = b.copy()
        b[0] = np.nextafter(b[0], np.float32(np.inf))
        return W, b

    out = float_eval(net, X, np.float32, "blas", {last: bump_bias})[-1]
    assert not np.array_equal(out.astype(np.float64), Y.astype(np.float64))
    # one output-layer weight moved by one ulp: some such weight shows in the output
    seen = False
    for j in range(net.layers[-1].shape[1]):
        def bump_out(W, b, j=j):
            W = W.copy()
            o = int(np.flatnonzero(W[:, j])[0]) if W[:, j].any() else 0
            W[o, j] = np.nextafter(W[o, j], np.float32(np.inf) * np.sign(W[o, j] or 1))
            return W, b
        out = float_eval(net, X, np.float32, "blas", {last: bump_out})[-1]
        if not np.array_equal(out.astype(np.float64), Y.astype(np.float64)):
            seen = True
            break
    assert seen


def test_float16_build_for_format():
    X, Y = seed_data(100, seed=7)
    net = build_for_format(X, Y, "float16", seed=0)
    assert max(spans(net, X)) <= 11
    assert all(abs(int(v)) <= 2048 for L in net.layers for row in L.weights for v in row)
    ex = exact_acts(net, X)
    for order in ("reversed", "pairwise"):
        assert same(float_eval(net, X, np.float16, order), ex), order


def test_float32_build_for_format_small():
    X, Y = seed_data(500, seed=2)
    net = build_for_format(X, Y, "float32", seed=0)
    assert max(spans(net, X)) <= 24 and net.meta["format"] == "float32"
    assert same(float_eval(net, X, np.float32, "reversed"), exact_acts(net, X))


def test_errors():
    X, Y = seed_data(20)
    with pytest.raises(ArgumentError):
        build_bucketed(X, Y, depth=5, bucket_size=4)
    with pytest.raises(ArgumentError):
        build_bucketed(X, Y, bucket_size=0)
    with pytest.raises(ArgumentError):
        build_bucketed(np.vstack([X, X[:1]]), np.vstack([Y, Y[:1]]), bucket_size=4)
    with pytest.raises(ArgumentError):
        build_bucketed(X.astype(float), Y, bucket_size=4)
    with pytest.raises(ArgumentError):
        build_for_format(X, Y, "float8")
    # bfloat16 cannot hold outputs like 257
    with pytest.raises(CapacityError):
        build_for_format(X, Y + 257, "bfloat16")
    # one coordinate, every point tied in t but 3 points: buckets of 1 cannot split a tie? (distinct rows: no tie)
    net = build_bucketed(X[:5], Y[:5], bucket_size=1)
    assert (exact_acts(net, X[:5])[-1] == np.array(Y[:5].tolist(), dtype=object)).all()
