"""The target arithmetic, run on data, in one fixed order of operations.

Every layer computes, for each output o, ``acc = b[o]`` then ``acc = acc + W[o, i] * x[i]`` for
i = 0, 1, ... in order, then relu (except after the last layer). The C code does the same, so
its results equal these bit for bit.

* ``float_forward``: numpy in the target dtype (each product and sum rounded by numpy).
* ``mpfr_forward``: MPFR at any significand width, for the minimal-precision search.
* ``fixed_forward``: integers only. Products of two Qm.n numbers are exact in the accumulator
  (2n fraction bits); every addition saturates to the accumulator's signed range (64 bits, or
  128 for 64-bit storage); the sum is rounded to n fraction bits half up
  (``floor(acc / 2^n)`` plus bit n-1 of ``acc``), then saturated to the storage range. Every
  clamp counts as one saturation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gmpy2
import numpy as np

from exactnet.export.dtypes import FixedType, round_mpfr
from exactnet.network import Network


def float_forward(arrays: Sequence[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                  activations: Sequence[str]) -> tuple[np.ndarray, int]:
    """Outputs (N x m, in X's dtype) and the number of non-finite pre-activations met."""
    h, overflows = X, 0
    with np.errstate(all="ignore"):
        for (W, b), act in zip(arrays, activations):
            z = np.repeat(b[None, :], h.shape[0], axis=0)
            for i in range(W.shape[1]):
                z = z + h[:, i : i + 1] * W[None, :, i]
            overflows += int(np.count_nonzero(~np.isfinite(z.astype(np.float64))))
            h = np.maximum(z, z.dtype.type(0)) if act == "relu" else z
    return h, overflows


def mpfr_forward(net: Network, X: Sequence[Sequence[Any]], precision: int) -> np.ndarray:
    """Outputs (object array of mpfr) with weights, inputs and every operation rounded to
    ``precision`` bits, nearest-even, MPFR's exponent range (no overflow in practice)."""
    h = np.array([[round_mpfr(v, precision) for v in x] for x in X], dtype=object)
    with gmpy2.context(precision=precision, round=gmpy2.RoundToNearest):
        zero = gmpy2.mpfr(0)
        for layer in net.layers:
            W = np.array([[round_mpfr(w, precision) for w in row] for row in layer.weights], dtype=object)
            b = np.array([round_mpfr(v, precision) for v in layer.bias], dtype=object)
            z = np.repeat(b[None, :], h.shape[0], axis=0)
            for i in range(W.shape[1]):
                z = z + h[:, i : i + 1] * W[None, :, i]
            h = np.where(z > zero, z, zero) if layer.activation == "relu" else z
    return h


def fixed_forward(arrays: Sequence[tuple[np.ndarray, np.ndarray]], Xq: Sequence[Sequence[int]],
                  fx: FixedType, activations: Sequence[str]) -> tuple[np.ndarray, int]:
    """Outputs as fixed-point integers (object array N x m) and the number of saturations."""
    n = fx.frac_bits
    amax = (1 << (fx.accumulator_bits - 1)) - 1
    amin = -amax - 1
    h = np.array(Xq, dtype=object)
    saturations = 0
    for (W, b), act in zip(arrays, activations):
        Wo = W.astype(object)
        z = np.repeat(np.array([int(v) << n for v in b], dtype=object)[None, :], h.shape[0], axis=0)
        for i in range(Wo.shape[1]):
            z = z + h[:, i : i + 1] * Wo[None, :, i]
            z, s = _clamp(z, amin, amax)
            saturations += s
        if n:
            z = np.array([[(v >> n) + ((v >> (n - 1)) & 1) for v in row] for row in z], dtype=object)
        z, s = _clamp(z, fx.lo, fx.hi)
        saturations += s
        h = np.where(z > 0, z, 0) if act == "relu" else z
    return h, saturations


def _clamp(z: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, int]:
    over, under = z > hi, z < lo
    count = int(np.count_nonzero(over)) + int(np.count_nonzero(under))
    if count:
        z = np.where(over, hi, np.where(under, lo, z))
    return z, count
