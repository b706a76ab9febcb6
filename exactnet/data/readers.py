"""The data file readers: CSV, .npy, .npz and JSON, each through ``Dataset``'s one validator.

Every rejection is a ``DataError`` naming the file, and the row and column where there is one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from exactnet.data.dataset import Dataset, exact_rows
from exactnet.errors import DataError
from exactnet.rational import NotExact, TooLarge, shown, to_rational

T = TypeVar("T")


def read(path: str | Path, outputs: int = 1, merge: bool = True) -> Dataset:
    """Read a data file by its extension.

    * ``.csv``: numbers separated by commas, optional header line; the last ``outputs``
      columns are outputs. Cells may be integers, decimals or fractions ("-7/3").
    * ``.npz``: arrays ``X`` (N x d) and ``Y`` (N or N x m); floats keep their exact value.
    * ``.npy``: one N x (d + outputs) array, split like a CSV.
    * ``.json``: ``{"X": [[...], ...], "Y": [...]}``; numbers or exact strings.

    ``merge``: as in ``Dataset.from_rows``. Raises ``DataError`` for a missing or unreadable
    file, an unknown extension, or any problem ``Dataset.from_rows`` finds.
    """
    return by_extension(path, {
        ".csv": lambda p: _read_csv(p, outputs, merge),
        ".npz": lambda p: _read_numpy(p, outputs, merge),
        ".npy": lambda p: _read_numpy(p, outputs, merge),
        ".json": lambda p: _read_json(p, merge),
    })


def by_extension(path: str | Path, readers: Mapping[str, Callable[[Path], T]], what: str = "data") -> T:
    """The one dispatch of data readers: ``readers[ext]`` called on the existing file
    (``data_file``) whose lower-case extension is ``ext``; ``DataError`` naming the ``what``
    formats accepted for any other extension."""
    p = data_file(path)
    ext = p.suffix.lower()
    if ext not in readers:
        names = list(readers)
        accepted = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        raise DataError(f"{p}: unknown {what} format {ext or '(no extension)'!r}; use {accepted}")
    return readers[ext](p)


def split_columns(rows: list[list[Any]], outputs: int, source: str, first_row: int) -> tuple[list, list]:
    """Split table rows into inputs (all but the last ``outputs`` columns) and outputs."""
    if outputs < 1:
        raise DataError(f"{source}: outputs must be at least 1, got {outputs}")
    xs, ys = [], []
    for k, r in enumerate(rows):
        if len(r) <= outputs:
            raise DataError(
                f"{source}: row {first_row + k}: {len(r)} columns, need at least {outputs + 1}"
                f" ({outputs} output column(s) and one input)"
            )
        xs.append(r[:-outputs])
        ys.append(r[-outputs:])
    return xs, ys


def data_file(path: str | Path) -> Path:
    """``path`` as a Path if it is an existing file; ``DataError`` saying what it is otherwise."""
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p}: is a folder, not a data file")
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if not p.is_file():
        raise DataError(f"{p}: is not a regular file")
    return p


def read_text(p: Path) -> str:
    """The file as UTF-8 text, a byte-order mark stripped; ``DataError`` for other bytes."""
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{p}: not a UTF-8 text file") from None


def load_json(p: Path, exact_ints: bool = True) -> Any:
    """Parse a JSON file with decimals kept as text ("0.1" stays exactly 1/10) and, with
    ``exact_ints``, integers too (no digit limit); ``DataError`` for anything malformed."""
    text = read_text(p)  # its DataError is a ValueError: raised before the parser's errors are caught
    try:
        return json.loads(text, parse_float=str, parse_int=str if exact_ints else None)
    except json.JSONDecodeError as e:
        raise DataError(f"{p}: not valid JSON ({e})") from None
    except RecursionError:
        raise DataError(f"{p}: JSON nested too deeply to read") from None
    except ValueError as e:  # an integer beyond Python's digit limit (labels)
        raise DataError(f"{p}: not valid JSON ({str(e)[:80]})") from None


def load_numpy(p: Path) -> Any:
    """``np.load`` of a .npy/.npz file without pickles, after checking its magic bytes;
    ``DataError`` naming what the file is instead."""
    import numpy as np

    with p.open("rb") as f:
        head = f.read(6)
    want = (b"PK\x03\x04", b"PK\x05\x06") if p.suffix.lower() == ".npz" else (b"\x93NUMPY",)
    if not head.startswith(want):
        kind = "a zip archive of .npy arrays" if p.suffix.lower() == ".npz" else "a NumPy .npy array"
        raise DataError(f"{p}: not {kind} (the file starts with {head!r})")
    try:
        return np.load(p, allow_pickle=False)
    except Exception as e:  # numpy raises several types for corrupt files
        raise DataError(f"{p}: cannot read as {p.suffix} ({_numpy_reason(e)})") from None


def numpy_arrays(p: Path, z: Any, names: Sequence[str]) -> list[Any]:
    """The named arrays of an opened .npz; ``DataError`` for missing ones, arrays of Python
    objects, or a corrupt member."""
    import numpy as np

    missing = [k for k in names if k not in z.files]
    if missing:
        raise DataError(f"{p}: missing array(s) {', '.join(missing)}; found {', '.join(z.files) or 'none'}")
    out = []
    for k in names:
        try:
            out.append(np.asarray(z[k]))
        except Exception as e:
            raise DataError(f"{p}: array {k}: {_numpy_reason(e)}") from None
    return out


def _numpy_reason(e: Exception) -> str:
    if "allow_pickle" in str(e):
        return "it holds Python objects (dtype object), which are not loaded; save numeric arrays"
    return f"{type(e).__name__}: {str(e)[:120]}"


def csv_rows(p: Path) -> tuple[list[list[str]], int]:
    """The non-blank rows of a CSV file as stripped cells (a UTF-8 byte-order mark is dropped),
    without a header, and the file's row number of the first row returned.

    The first row is a header when none of its cells is a number, data when all are; a first
    row with both is ambiguous and a ``DataError`` naming row 1 (never a silently dropped point)."""
    text = read_text(p)
    try:
        rows = [[c.strip() for c in r] for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    except csv.Error as e:
        raise DataError(f"{p}: not a CSV file ({e})") from None
    if not rows:
        return rows, 1
    numeric = [_numeric(c) for c in rows[0]]
    if not any(numeric):
        return rows[1:], 2  # a header line
    if not all(numeric):
        bad = numeric.index(False)
        raise DataError(f"{p}: row 1, column {bad + 1}: {shown(rows[0][bad])} is not a number but other cells of "
                        "the row are; a header row has no number in it, a data row only numbers")
    return rows, 1


def _read_csv(p: Path, outputs: int, merge: bool) -> Dataset:
    rows, first_row = csv_rows(p)
    if not rows:
        raise DataError(f"{p}: no data rows")
    xs, ys = split_columns(rows, outputs, str(p), first_row)
    return Dataset.from_rows(xs, ys, source=str(p), first_row=first_row, merge=merge)


def _numeric(cell: str) -> bool:
    """True for number text (a number beyond the size limit included: its row is data, and the
    limit is reported for it), NaN and infinities."""
    try:
        to_rational(cell)
    except TooLarge:
        return True
    except NotExact:
        return cell.strip().lower().lstrip("+-") in {"nan", "inf", "infinity"}
    return True


def _read_numpy(p: Path, outputs: int, merge: bool) -> Dataset:
    import numpy as np

    loaded = load_numpy(p)
    if p.suffix.lower() == ".npy":
        arr = np.asarray(loaded)
        if arr.ndim != 2:
            raise DataError(f"{p}: expected a 2-d array, found shape {arr.shape}")
        if arr.dtype.kind in "iu" and arr.shape[0] and arr.shape[1] > outputs >= 1:
            return Dataset.from_arrays(arr[:, :-outputs], arr[:, -outputs:], source=str(p), merge=merge)
        xs, ys = split_columns(exact_rows(arr), outputs, str(p), 1)
        return Dataset.from_rows(xs, ys, source=str(p), merge=merge)
    with loaded as z:
        X, Y = numpy_arrays(p, z, ("X", "Y"))
    if X.ndim != 2:
        raise DataError(f"{p}: X must be 2-d (N x d), found shape {X.shape}")
    if Y.ndim not in (1, 2):
        raise DataError(f"{p}: Y must be 1-d or 2-d, found shape {Y.shape}")
    return Dataset.from_arrays(X, Y, source=str(p), merge=merge)


def json_lists(p: Path, keys: Sequence[str], exact_ints: bool = True) -> list[list[Any]]:
    """The lists under ``keys`` of a JSON file holding one object (``load_json``, with
    ``exact_ints``); ``DataError`` for another shape."""
    obj = load_json(p, exact_ints)
    if not isinstance(obj, dict) or any(k not in obj for k in keys):
        shape = ", ".join(f'"{k}": [...]' for k in keys)
        raise DataError(f"{p}: expected an object {{{shape}}}")
    if not all(isinstance(obj[k], list) for k in keys):
        raise DataError(f"{p}: {' and '.join(keys)} must be lists")
    return [obj[k] for k in keys]


def _read_json(p: Path, merge: bool) -> Dataset:
    X, Y = json_lists(p, ("X", "Y"))
    for k, x in enumerate(X, start=1):
        if not isinstance(x, list):
            raise DataError(f"{p}: X row {k} is not a list")
    return Dataset.from_rows(X, Y, source=str(p), merge=merge)
