"""A validated, immutable data set of N distinct inputs in Q^d with outputs in Q^m.

``Dataset.from_rows`` is the one validator every reader goes through: it converts every cell
exactly (see ``rational.to_rational``), checks shapes, rejects NaN/inf and non-numbers, merges
duplicate inputs whose outputs agree (counted in ``merged``) and rejects those whose outputs
differ. Every ``DataError`` names the row (1-based, as in the file) and column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from exactnet.data.integer_rows import IntegerRows, first_occurrence, fits, row_texts
from exactnet.errors import DataError
from exactnet.rational import NotExact, to_rational, to_text

Row = tuple[Any, ...]


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


def exact_rows(arr: Any) -> list[Any]:
    """Nested lists of the array's values without rounding: ``tolist`` gives Python ints and
    floats where they hold the value exactly and numpy scalars for wider floats (long double)."""
    return arr.tolist()
