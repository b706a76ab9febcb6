"""A rigorous a-priori bound on |float-network output - exact output| at each data point.

For a layer with m = inputs + 1 terms (the bias counts), any order of summation in a float type
with unit roundoff u satisfies ``|fl(sum) - sum| <= gamma_k * sum |terms| + k * tiny`` with
``gamma_k = k u / (1 - k u)`` (Higham, Accuracy and Stability of Numerical Algorithms, 3.1);
k = m + 2 also covers a product rounding per term, a separate bias addition, and types that
compute each operation in float32 before rounding (float16, bfloat16: u is taken as
u + 2^-24 (1 + u)). ``tiny`` (the smallest subnormal) covers underflow. With exact activations
h, computed ones h' = h + d (|d| <= e), rounded weights W' = W + dW and bias b' = b + db:

    e_next <= gamma_k (|W'| (|h| + e) + |b'|) + k tiny + |W'| e + |dW| |h| + |db|

and relu does not increase it. The inputs start with e = |fl(x) - x|. Everything is computed in
MPFR rounded upward on non-negative numbers, so each printed bound is an upper bound. The bound
is infinite where a value may exceed the type's largest finite number (overflow is possible).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gmpy2
import numpy as np

from exactnet.export.dtypes import FloatType, round_float
from exactnet.network import Network
from exactnet.rational import Q, to_rational

PRECISION = 64


def _up(q: Any) -> Any:
    """|q| rounded up to an mpfr."""
    with gmpy2.context(precision=PRECISION, round=gmpy2.RoundUp):
        return gmpy2.mpfr(abs(to_rational(q)))


def _arr(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    return np.array([[_up(v) for v in r] for r in rows], dtype=object)


def effective_roundoff(ft: FloatType) -> Any:
    """Relative error of one numpy/ONNX operation in ``ft`` (exact rational)."""
    u = ft.unit_roundoff
    return u + Q(1, 2**24) * (1 + u) if ft.precision < 24 else u


def float_bound(net: Network, ft: FloatType, X: Sequence[Sequence[Any]],
                pre: Sequence[Sequence[Sequence[Any]]]) -> np.ndarray:
    """Bound (object array N x outputs of mpfr, possibly inf) for ``net`` rounded to ``ft`` and
    evaluated in ``ft`` on inputs ``X``; ``pre`` are the exact pre-activations (``verifier.general.preactivations``)."""
    u = effective_roundoff(ft)
    inf = gmpy2.inf()
    big = _up(ft.max_finite)
    xr = [[round_float(v, ft) for v in x] for x in X]
    if any(not v.is_finite() for r in xr for v in r):
        return np.full((len(X), net.output_dim), inf, dtype=object)
    e = _arr([[to_rational(a) - v for a, v in zip(r, x)] for r, x in zip(xr, X)])
    h = _arr(X)
    with gmpy2.context(precision=PRECISION, round=gmpy2.RoundUp):
        for k, layer in enumerate(net.layers):
            kk = layer.shape[1] + 3
            gamma = _up(kk * u / (1 - kk * u)) if kk * u < 1 else inf
            Wr = [[round_float(w, ft) for w in row] for row in layer.weights]
            br = [round_float(v, ft) for v in layer.bias]
            if any(not v.is_finite() for v in [*br, *(w for row in Wr for w in row)]):
                return np.full((len(X), net.output_dim), inf, dtype=object)
            A = _arr(Wr)
            dW = _arr([[to_rational(a) - w for a, w in zip(ra, rw)] for ra, rw in zip(Wr, layer.weights)])
            B = np.array([_up(v) for v in br], dtype=object)
            dB = np.array([_up(to_rational(a) - v) for a, v in zip(br, layer.bias)], dtype=object)
            S = (h + e).dot(A.T) + B
            e = gamma * S + kk * _up(ft.tiny) + e.dot(A.T) + h.dot(dW.T) + dB
            z = _arr(pre[k])
            e = np.where((S * (1 + gamma) > big) | (z + e > big) | (e != e), inf, e)  # e != e: inf * 0 met
            h = _arr([[max(v, 0) for v in r] for r in pre[k]]) if layer.activation == "relu" else z
    return e
