"""Export in one call: round, measure on the data, write the file (only if within tolerance)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import numpy as np

from exactnet.data.dataset import Dataset
from exactnet.export import c, int64, npz
from exactnet.export import onnx as onnx_format
from exactnet.export.dtypes import (
    DType,
    ExportError,
    FloatType,
    check_format_dtype,
    check_tolerance,
    parse_dtype,
    round_float,
    to_numpy,
)
from exactnet.export.measure import ExportReport, error_stats, measure
from exactnet.export.rounding import RoundedNetwork
from exactnet.files import check_writable, write_atomic
from exactnet.network import Network

FORMATS = ("npz", "onnx", "c", "json")
SUFFIXES = {".npz": "npz", ".onnx": "onnx", ".h": "c", ".c": "c", ".json": "json"}


def parse_format(text: str | None, path: str | Path | None = None) -> str:
    """``text`` checked against ``FORMATS``, or (when None) the format implied by the path's suffix."""
    if text is None:
        suffix = Path(path).suffix.lower() if path is not None else ""
        if suffix not in SUFFIXES:
            raise ExportError(f"cannot tell the format from {str(path)!r}; give `fmt` ({', '.join(FORMATS)})")
        return SUFFIXES[suffix]
    if text.lower() not in FORMATS:
        raise ExportError(f"unknown format {text!r}; use one of {', '.join(FORMATS)}")
    return text.lower()


def file_bytes(net: Network, rounded: RoundedNetwork | int64.Int64Network, fmt: str) -> bytes:
    """The exported file's content."""
    if isinstance(rounded, int64.Int64Network) and fmt != "json":
        if fmt == "c":
            return c.int64_header(rounded).encode()
        return npz.archive({**int64.npz_arrays(rounded), "meta": np.array(json.dumps(net.meta))})
    if fmt == "npz":
        return npz.npz_bytes(rounded, net.meta)
    if fmt == "onnx":
        return onnx_format.model_bytes(rounded)
    if fmt == "c":
        return c.header(rounded).encode()
    return (json.dumps(net.to_json(), indent=1) + "\n").encode()


def check_request(path: str | Path, dtype: str | DType, fmt: str | None, tolerance: float | None,
                  with_data: bool, inputs: Sequence[str | Path] = ()) -> tuple[DType, str]:
    """What ``export_network`` is asked for, checked before any network or data is read: the
    dtype and the format (from ``path``'s suffix when None). Raises ``ExportError`` for an
    unknown dtype or format, a dtype the format cannot carry, a bad tolerance or one without
    data, ``OutputPathError`` for a path that cannot be written (one of ``inputs`` included)."""
    dt = parse_dtype(dtype) if isinstance(dtype, str) else dtype
    check_writable(path, inputs)
    fmt = parse_format(fmt, path)
    check_format_dtype(fmt, dt)
    check_tolerance(tolerance)
    if tolerance is not None and not with_data:
        raise ExportError("`tolerance` needs `data`: the error is measured on the data")
    return dt, fmt


def export_network(net: Network, path: str | Path, dtype: str | DType = "float64", fmt: str | None = None,
                   data: Dataset | None = None, tolerance: float | None = None) -> ExportReport:
    """Round ``net`` to ``dtype``, measure it on ``data`` (if given) and write ``path`` in ``fmt``
    (default: from the suffix). The file is written atomically and only when the maximum error
    is within ``tolerance`` (``report.written``). For onnx with onnxruntime installed,
    ``report.runtime`` holds the errors of the written model run by onnxruntime.

    Raises ``ExportError`` for an unknown dtype or format, a dtype the format cannot carry, a
    tolerance without data, or a fixed format that cannot hold a weight."""
    dt, fmt = check_request(path, dtype, fmt, tolerance, data is not None)
    report, rounded = measure(net, dt, data)
    content = file_bytes(net, rounded, fmt)
    if fmt == "onnx" and data is not None and _have("onnxruntime"):
        ft = cast(FloatType, dt)  # check_format_dtype lets only float dtypes through to onnx
        X = to_numpy([[round_float(v, ft) for v in x] for x in data.X], ft)
        got = onnx_format.run(content, X).astype(np.float64).tolist()
        report = dataclasses.replace(report, runtime=error_stats(f"onnxruntime {ft.name}", got, data.Y))
    report = dataclasses.replace(report, tolerance=tolerance, path=str(path), format=fmt)
    if not report.within_tolerance:
        return report
    write_atomic(path, content)
    return dataclasses.replace(report, written=True)


def _have(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True
