"""A validated, immutable data set of N distinct inputs in Q^d with outputs in Q^m.

``Dataset.from_rows`` is the one validator every reader goes through: it converts every cell
exactly (see ``rational.to_rational``), checks shapes, rejects NaN/inf and non-numbers, merges
duplicate inputs whose outputs agree (counted in ``merged``) and rejects those whose outputs
differ. Every ``DataError`` names the row (1-based, as in the file) and column.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from exactnet.data.integer_rows import IntegerRows, first_occurrence, fits, row_texts
from exactnet.errors import DataError
from exactnet.rational import NotExact, TooLarge, shown, to_rational, to_text

Row = tuple[Any, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Dataset:
    """Inputs ``X`` (N rows of d exact rationals) and outputs ``Y`` (N rows of m)."""

    X: Sequence[Row]  # a tuple of rows, or ``IntegerRows`` over an integer array
    Y: tuple[Row, ...]
    merged: int = 0  # duplicate rows (equal input and output) dropped while reading
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def n(self) -> int:
        return len(self.X)

    def __repr__(self) -> str:
        kept = "" if type(self.X) is tuple else f", inputs as {type(self.X).__name__}"
        return f"Dataset({self.n:,} points, {self.dim} inputs, {self.outputs} output(s){kept})"

    @property
    def dim(self) -> int:
        return len(self.X[0])

    @property
    def outputs(self) -> int:
        return len(self.Y[0])

    def check_fits(self, inputs: int, outputs: int | None = None) -> None:
        """The one check that a network fits this data: ``DataError`` unless the network's
        ``inputs`` (and ``outputs``, when given) equal the data's columns."""
        if inputs != self.dim or (outputs is not None and outputs != self.outputs):
            maps = f"{inputs} -> {outputs}" if outputs is not None else f"{inputs} inputs to"
            raise DataError(f"the network maps {maps} values but the data has {self.dim} input and "
                            f"{self.outputs} output column(s)")

    def digest(self) -> str:
        """SHA-256 of the exact data: per row the inputs, ";", the outputs, each as rational
        text joined by "," and the row ended by a newline. Computed once per data set; integer
        array inputs are formatted in numpy (the same text)."""
        return self._digest

    @cached_property
    def _digest(self) -> str:
        h = hashlib.sha256()
        ys = ((",".join(map(to_text, y)) + "\n").encode() for y in self.Y)
        if isinstance(self.X, IntegerRows):
            for block in self.X.blocks():
                for x, y in zip(row_texts(block), ys):
                    h.update(x + b";" + y)
        else:
            for x, y in zip(self.X, ys):
                h.update(",".join(map(to_text, x)).encode() + b";" + y)
        return h.hexdigest()

    @classmethod
    def from_rows(
        cls, X: Sequence[Sequence[Any]], Y: Sequence[Any], *, source: str = "data", first_row: int = 1,
        merge: bool = True,
    ) -> Dataset:
        """Validate and convert. ``Y`` rows may be scalars (m = 1) or sequences. Rows with equal
        inputs and equal outputs are merged into one (counted in ``merged``), or all kept when
        ``merge`` is False (the verifier checks every row of a file).

        Raises ``DataError`` naming ``source``, the row number (``first_row`` for the first) and
        the column for: empty data, ragged or empty rows, non-numbers, NaN/inf, X and Y of
        different lengths, and equal inputs with different outputs.
        """
        if len(X) == 0:
            raise DataError(f"{source}: no data rows")
        if len(X) != len(Y):
            raise DataError(f"{source}: {len(X)} input rows but {len(Y)} output rows")
        xs = [_row(x, source, first_row + k, "input") for k, x in enumerate(X)]
        ys = [_row(y, source, first_row + k, "output") for k, y in enumerate(Y)]
        _same_widths(xs, "input", source, first_row)
        _same_widths(ys, "output", source, first_row)
        seen: dict[Row, tuple[int, Row]] = {}
        keep_x: list[Row] = []
        keep_y: list[Row] = []
        for k, (x, y) in enumerate(zip(xs, ys)):
            if x in seen:
                row0, y0 = seen[x]
                if y0 != y:
                    raise DataError(
                        f"{source}: rows {row0} and {first_row + k} have the same input but different outputs"
                        f" ({_show(y0)} vs {_show(y)})"
                    )
                if merge:
                    continue
            seen.setdefault(x, (first_row + k, y))
            keep_x.append(x)
            keep_y.append(y)
        return cls(tuple(keep_x), tuple(keep_y), merged=len(xs) - len(keep_x))


    @classmethod
    def from_arrays(cls, X: Any, Y: Any, *, source: str = "data", first_row: int = 1, merge: bool = True) -> Dataset:
        """``from_rows`` for inputs given as one 2-d numpy array: the same checks, errors and
        merging, and integer arrays whose values ``integer_rows.fits`` are kept as
        ``IntegerRows`` (no rational per cell; duplicates found by ``first_occurrence`` in
        O(N d)). Other arrays go through ``from_rows`` cell by cell."""
        import numpy as np

        X = np.asarray(X)
        rows = exact_rows(np.asarray(Y)) if hasattr(Y, "dtype") else Y
        if X.ndim != 2 or not fits(X) or X.shape[0] == 0 or X.shape[1] == 0:
            return cls.from_rows(exact_rows(X), rows, source=source, first_row=first_row, merge=merge)
        if len(X) != len(rows):
            raise DataError(f"{source}: {len(X)} input rows but {len(rows)} output rows")
        ys = [_row(y, source, first_row + k, "output") for k, y in enumerate(rows)]
        _same_widths(ys, "output", source, first_row)
        first = first_occurrence(X)
        repeated = np.flatnonzero(first != np.arange(len(X)))
        for k in repeated.tolist():
            k0 = int(first[k])
            if ys[k0] != ys[k]:
                raise DataError(f"{source}: rows {first_row + k0} and {first_row + k} have the same input but "
                                f"different outputs ({_show(ys[k0])} vs {_show(ys[k])})")
        if merge and repeated.size:
            keep = first == np.arange(len(X))
            X, ys = X[keep], [y for y, k in zip(ys, keep.tolist()) if k]
        return cls(IntegerRows(X), tuple(ys), merged=int(repeated.size) if merge else 0)


def _same_widths(rows: list[Row], what: str, source: str, first_row: int) -> None:
    """``DataError`` for an empty first row or a row whose length differs from the first's."""
    width = len(rows[0])
    if width == 0:
        raise DataError(f"{source}: row {first_row}: no {what} columns")
    for k, r in enumerate(rows):
        if len(r) != width:
            raise DataError(f"{source}: row {first_row + k}: {len(r)} {what} values, expected {width} (ragged rows)")


def _row(values: Any, source: str, row: int, what: str) -> Row:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        values = (values,)
    out = []
    for col, v in enumerate(values, start=1):
        try:
            out.append(to_rational(v.item() if hasattr(v, "item") else v))
        except NotExact as e:
            raise DataError(f"{source}: row {row}, {what} column {col}: {e}") from None
    return tuple(out)


def _show(row: Row) -> str:
    return ", ".join(map(to_text, row))


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


def exact_rows(arr: Any) -> list[Any]:
    """Nested lists of the array's values without rounding: ``tolist`` gives Python ints and
    floats where they hold the value exactly and numpy scalars for wider floats (long double)."""
    return arr.tolist()


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
