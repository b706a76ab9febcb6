"""What every construction shares once its pieces are made: the meta data it records
(``provenance``) and the three exact layers of a two-hidden-layer network (``assemble``)."""

from __future__ import annotations

import time
from typing import Any

from exactnet.construct.knots import knot_weights
from exactnet.construct.projection import Projection
from exactnet.data.dataset import Dataset
from exactnet.network import Layer, Network
from exactnet.rational import Q


def provenance(data: Dataset, proj: Projection, a1: int | None, a2: int | None, seed: int,
               start: float) -> dict[str, Any]:
    """Meta data every construction records: widths, points, seed, data digest, projection,
    build time since ``start`` (a ``time.perf_counter()`` value)."""
    meta: dict[str, Any] = {}
    if a1 is not None and a2 is not None:
        meta["widths"] = [a1, a2]
    return {
        **meta,
        "points": data.n,
        "seed": seed,
        "data_sha256": data.digest(),
        "projection": {"method": proj.method, "bits": proj.bits, "range_bits": proj.range.bit_length(),
                       "row": [str(w) for w in proj.w]},
        "build_seconds": round(time.perf_counter() - start, 6),
    }


def assemble(proj: Projection, knots: tuple[Any, ...], a1: int, neurons: list[tuple[Any, tuple[Any, ...]]],
             v: list[list[Any]], d0: list[Any]) -> Network:
    """Three exact layers: a1 copies of the projection row (bias -b_i for the used knots
    b_0 .. b_{s-1} of ``knots``; unused neurons sit at the last knot with a zero column), the
    second-layer neurons given by their knot values (each ``(G, ks)``: values at the knots
    ``ks``, whose used knots must be a prefix of ``knots``'), and the output layer ``v``
    (outputs x a2) with bias ``d0``."""
    used = len(knots) - 1
    first_knots = list(knots[:used]) + [knots[-1]] * (a1 - used)
    w = tuple(Q(x) for x in proj.w)
    layer1 = Layer(tuple(w for _ in range(a1)), tuple(-k for k in first_knots), "relu")
    rows, biases = [], []
    for G, ks in neurons:
        c, row = knot_weights(G, ks, a1)
        rows.append(tuple(row))
        biases.append(c)
    layer2 = Layer(tuple(rows), tuple(biases), "relu")
    layer3 = Layer(tuple(tuple(r) for r in v), tuple(d0), "linear")
    return Network((layer1, layer2, layer3))
