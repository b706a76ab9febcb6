"""Build for float32, float16 or bfloat16: dyadic data scaled to integers, the bucketed
construction (``bucketed``), the scaling folded back into the first and last layers.

Inputs ``x`` become the integers ``x * 2^gx`` and outputs ``y`` the integers ``y * 2^gy``
(``gx``, ``gy`` the finest grids of the data); the integer network ``F`` built on them gives
the network ``x -> F(x * 2^gx) / 2^gy``: its first-layer weights times ``2^gx``, its last
layer divided by ``2^gy``. Every number keeps its significand, so the bit spans are those of
the integer network (a power-of-two shift moves every grid alike).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exactnet.construct.bucketed import build_bucketed, build_for_format
from exactnet.construct.exact_in import check_data
from exactnet.data.dataset import Dataset
from exactnet.data.integer_rows import IntegerRows
from exactnet.errors import ArgumentError
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier import span

FORMATS = ("float32", "float16", "bfloat16")


def build_in_format(data: Dataset, target: str, *, depth: int | None = None, bucket_size: int | None = None,
                    seed: int = 0) -> Network:
    """A network whose evaluation in ``target`` ("float32", "float16", "bfloat16") is exact on
    ``data``: the bucketed construction with the fewest neurons (then dense parameters) found
    whose every span and number fits the format (``bucketed.build_for_format``), or exactly
    ``depth`` (3 or 4) and ``bucket_size`` when both are given. Raises ``DataError`` naming the
    first cell the format does not hold, ``CapacityError`` when no network is found (naming the
    smallest span reached), ``ArgumentError`` for a bad depth or bucket size."""
    if target not in FORMATS:
        raise ArgumentError(f"`exact_in` {target!r}: the bucketed construction targets {', '.join(FORMATS)}")
    if depth is not None and depth not in (3, 4):
        raise ArgumentError(f"`depth` {depth}: the bucketed construction has 3 or 4 hidden layers")
    if bucket_size is not None and bucket_size < 1:
        raise ArgumentError(f"`bucket_size` {bucket_size}: expected at least 1")
    check_data(data, target)
    X, gx = _integers(data.X)
    Y, gy = _integers(data.Y)
    classes = _class_index(Y) if gy == 0 and Y.shape[1] > 1 else None
    target_Y = Y if classes is None else classes[:, None]
    if depth is not None and bucket_size is not None:
        net = build_bucketed(X, target_Y, depth=depth, bucket_size=bucket_size, seed=seed)
    else:
        net = build_for_format(X, target_Y, target, seed=seed, fixed_depth=depth, bucket_size=bucket_size)
    if classes is not None:
        net = _decoded(net, Y.shape[1])
    return _rescaled(net, gx, gy).with_meta(exact_in=target, data_grids=[gx, gy], points=data.n,
                                            data_sha256=data.digest())


def _class_index(Y: np.ndarray) -> np.ndarray | None:
    """The class of every row when ``Y`` is one-hot (one 1, the rest 0), else None."""
    if ((Y == 0) | (Y == 1)).all() and (Y.sum(axis=1) == 1).all():
        return Y.argmax(axis=1).astype(np.int64)
    return None


def _decoded(net: Network, classes: int) -> Network:
    """``net`` (a scalar output c in 0..K-1) followed by the one-hot decode: the output layer
    becomes K + 2 units ``r_i = relu(c - i)``, i = -1..K, and ``[c = j] = r_{j-1} - 2 r_j + r_{j+1}``
    (for integer c: 1 at c = j, 0 elsewhere). One hidden layer more, K + 2 neurons."""
    last = net.layers[-1]
    (row,), (bias,) = last.weights, last.bias
    shifts = range(-1, classes + 1)
    ramps = Layer(tuple(row for _ in shifts), tuple(bias - i for i in shifts), "relu")
    zero, one, two = Q(0), Q(1), Q(-2)
    decode = tuple(tuple({j: one, j + 1: two, j + 2: one}.get(i, zero) for i in range(classes + 2))
                   for j in range(classes))
    out = Layer(decode, (zero,) * classes, "linear")
    widths = [*net.widths, classes + 2]
    return Network((*net.layers[:-1], ramps, out), {**net.meta, "decode": "one-hot", "widths": widths})


def _integers(rows: Any) -> tuple[np.ndarray, int]:
    """Dyadic rows as one int64 array ``rows * 2^g`` and ``g`` (the finest grid, 0 for integers)."""
    if isinstance(rows, IntegerRows):
        return rows.array.astype(np.int64), 0
    cells = [v for row in rows for v in row if v != 0]
    g = max((span.exponent(v) for v in cells), default=0)  # check_data: every cell is dyadic
    g = max(g, 0)
    scale = Q(2) ** g
    return np.array([[int(v * scale) for v in row] for row in rows], dtype=np.int64), g


def _rescaled(net: Network, gx: int, gy: int) -> Network:
    """``x -> net(x * 2^gx) / 2^gy``."""
    if gx == 0 and gy == 0:
        return net
    layers = list(net.layers)
    up, down = Q(2) ** gx, Q(2) ** -gy
    first = layers[0]
    layers[0] = Layer(tuple(tuple(w * up for w in row) for row in first.weights), first.bias, first.activation)
    last = layers[-1]
    layers[-1] = Layer(tuple(tuple(w * down for w in row) for row in last.weights),
                       tuple(b * down for b in last.bias), last.activation)
    return Network(tuple(layers), net.meta)
