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
    if depth is not None and bucket_size is not None:
        net = build_bucketed(X, Y, depth=depth, bucket_size=bucket_size, seed=seed)
    else:
        net = build_for_format(X, Y, target, seed=seed, fixed_depth=depth, bucket_size=bucket_size)
    return _rescaled(net, gx, gy).with_meta(exact_in=target, data_grids=[gx, gy])


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
