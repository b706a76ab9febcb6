"""The rounded network as a numpy .npz archive.

Arrays ``W1, b1, W2, b2, ...`` (W out x in) in the target dtype: float64/32/16 as themselves,
bfloat16 as its raw 16-bit patterns (uint16; view them with ``ml_dtypes.bfloat16``), fixed point
as the stored integers. Also ``dtype`` (its name), ``activations``, ``frac_bits`` (fixed point)
and ``meta`` (the network's meta data as JSON text).
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

from exactnet.export.dtypes import FixedType
from exactnet.export.rounding import RoundedNetwork


def npz_bytes(rounded: RoundedNetwork, meta: dict[str, Any]) -> bytes:
    """The archive's bytes."""
    arrays: dict[str, Any] = {"dtype": np.array(rounded.dtype.name), "activations": np.array(rounded.activations),
                              "meta": np.array(json.dumps(meta))}
    for k, (W, b) in enumerate(rounded.arrays, start=1):
        if rounded.dtype.name == "bfloat16":
            W, b = W.view(np.uint16), b.view(np.uint16)
        arrays[f"W{k}"], arrays[f"b{k}"] = W, b
    if isinstance(rounded.dtype, FixedType):
        arrays["frac_bits"] = np.array(rounded.dtype.frac_bits)
        arrays["int_bits"] = np.array(rounded.dtype.int_bits)
    return archive(arrays)


def archive(arrays: dict[str, Any]) -> bytes:
    """The bytes of an .npz archive of ``arrays``, in their order (every npz this package writes)."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()
