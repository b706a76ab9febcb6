"""Class labels as network outputs: one-hot vectors or a scalar class index.

A label is an integer or a string. The class order is sorted: numerically when every label is
an integer (text such as "7" or "-1" counts as an integer; "1.0" does not), else as strings
(integers then compare by their decimal text). Class k (0-based in that order) becomes

* ``"one-hot"``: the output row with 1 in column k and 0 elsewhere (M = number of classes);
  an exact network's argmax is then the label (``argmax``: a tie predicts no class);
* ``"scalar"``: the single output k.

A network built from labels stores ``{"labels": encoding, "classes": [...]}`` in its meta data
(``Labelled.meta``); reading data for such a network again (``read_labelled(..., classes=...)``)
maps labels with the stored order and rejects a label that is not one of the classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exactnet.data.dataset import Dataset, exact_rows
from exactnet.data.readers import by_extension, csv_rows, json_lists, load_numpy, numpy_arrays, read, split_columns
from exactnet.errors import DataError, NetworkFileError
from exactnet.network import Network

ENCODINGS = ("one-hot", "scalar")
Label = int | str


@dataclass(frozen=True)
class Labelled:
    """A data set whose outputs encode class labels, with the class order and encoding."""

    data: Dataset
    classes: tuple[Label, ...]
    encoding: str

    def meta(self) -> dict[str, Any]:
        """What a network built from this data records: ``labels`` and ``classes``."""
        return {"labels": self.encoding, "classes": list(self.classes)}


def class_order(labels: Sequence[Any]) -> tuple[Label, ...]:
    """The sorted distinct classes of ``labels`` (see the module docstring)."""
    keys = _keys(labels, None)
    return tuple(sorted(set(keys)))  # all int or all str, so sorting is well defined


def encode(labels: Sequence[Any], encoding: str = "one-hot", classes: Sequence[Label] | None = None,
           *, source: str = "labels", first_row: int = 1) -> tuple[list[tuple[int, ...]], tuple[Label, ...]]:
    """Output rows for ``labels`` and the class order used.

    ``classes``: a stored order to map with (a label outside it is a ``DataError`` naming the
    label and its row); None: ``class_order(labels)``. Raises ``DataError`` for an unknown
    encoding, an empty label or a label that is neither an integer nor a string.
    """
    if encoding not in ENCODINGS:
        raise DataError(f"{source}: unknown label encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")
    order = tuple(classes) if classes is not None else None
    keys = _keys(labels, order, source, first_row)
    if order is None:
        order = tuple(sorted(set(keys)))
    index = {c: k for k, c in enumerate(order)}
    rows = []
    for row, key in enumerate(keys, start=first_row):
        if key not in index:
            shown = ", ".join(map(str, order[:20])) + (", ..." if len(order) > 20 else "")
            raise DataError(f"{source}: row {row}: label {key!r} is not one of the network's classes ({shown})")
        k = index[key]
        rows.append(tuple(int(c == k) for c in range(len(order))) if encoding == "one-hot" else (k,))
    return rows, order


def read_labelled(path: str | Path, encoding: str = "one-hot", classes: Sequence[Label] | None = None,
                  merge: bool = True) -> Labelled:
    """Read inputs and class labels: the labels are the last column of a ``.csv`` (optional
    header line) or ``{"X": [[...]], "labels": [...]}`` in ``.json`` / arrays ``X`` and
    ``labels`` in ``.npz``. Inputs are validated by ``Dataset.from_rows`` (exact, distinct or
    merged, rows named in errors). ``classes`` as in ``encode``.
    """
    p = Path(path)
    xs, labels, first_row = by_extension(p, {".csv": _csv, ".json": _json, ".npz": _npz}, "labelled data")
    if not xs:
        raise DataError(f"{p}: no data rows")
    if len(xs) != len(labels):
        raise DataError(f"{p}: {len(xs)} input rows but {len(labels)} labels")
    rows, order = encode(labels, encoding, classes, source=str(p), first_row=first_row)
    return Labelled(Dataset.from_rows(xs, rows, source=str(p), first_row=first_row, merge=merge), order, encoding)


def stored(net: Network, source: str = "network") -> tuple[str, tuple[Label, ...]] | None:
    """The (encoding, classes) a network was built with, or None for a network without labels.
    Raises ``NetworkFileError`` naming ``source`` when the meta data holds them malformed."""
    if "labels" not in net.meta:
        return None
    encoding, classes = net.meta.get("labels"), net.meta.get("classes")
    if encoding not in ENCODINGS:
        raise NetworkFileError(f"{source}: meta 'labels' is {encoding!r}, expected one of {', '.join(ENCODINGS)}")
    if (not isinstance(classes, list) or not classes or len(set(classes)) != len(classes)
            or not (all(type(c) is int for c in classes) or all(isinstance(c, str) for c in classes))):
        raise NetworkFileError(
            f"{source}: meta 'classes' must be a non-empty list of distinct integers or of distinct strings")
    width = len(classes) if encoding == "one-hot" else 1
    if net.output_dim != width:
        raise NetworkFileError(f"{source}: meta says {encoding} labels with {len(classes)} classes, "
                               f"so {width} output(s), but the network has {net.output_dim}")
    return encoding, tuple(classes)


def read_for(net: Network, path: str | Path, source: str = "network", merge: bool = True) -> Dataset:
    """The data file at ``path`` as ``net`` expects it: for a network built from labels, its
    label column in the stored encoding and class order (``read_labelled``); otherwise the last
    ``net.output_dim`` columns as outputs (``readers.read``). ``merge`` as in
    ``Dataset.from_rows``. Raises ``DataError`` or ``NetworkFileError`` (naming ``source``)."""
    labels = stored(net, source)
    if labels:
        return read_labelled(path, labels[0], labels[1], merge=merge).data
    return read(path, net.output_dim, merge=merge)


def argmax(row: Sequence[Any]) -> int | None:
    """The class a one-hot output row predicts: the index of its unique largest entry, or None
    when the largest value occurs more than once. A tie predicts no class, so it is never the
    label (not the first of the tied indices)."""
    top = max(row)
    tied = [k for k, v in enumerate(row) if v == top]
    return tied[0] if len(tied) == 1 else None


def argmax_hits(outputs: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]]) -> int:
    """How many output rows predict (``argmax``) the class of the matching one-hot row."""
    return sum(1 for got, want in zip(outputs, rows) if argmax(got) == list(want).index(1))


def _keys(labels: Sequence[Any], classes: tuple[Label, ...] | None, source: str = "labels",
          first_row: int = 1) -> list[Label]:
    """Labels as class keys: ints when ``classes`` are ints (or, without classes, when every
    label is an integer), else stripped strings."""
    raw: list[Label] = []
    for row, label in enumerate(labels, start=first_row):
        if hasattr(label, "item") and not isinstance(label, str):
            label = label.item()  # numpy scalars
        if isinstance(label, str):
            label = label.strip()
            if not label:
                raise DataError(f"{source}: row {row}: empty label")
        elif isinstance(label, bool) or not isinstance(label, int):
            raise DataError(f"{source}: row {row}: label {label!r} is neither an integer nor a string")
        raw.append(label)
    as_ints = [_integer(v) for v in raw]
    if classes is not None:
        want_ints = all(type(c) is int for c in classes)
    else:
        want_ints = all(v is not None for v in as_ints)
    if want_ints:
        return [v if v is not None else str(r) for v, r in zip(as_ints, raw)]
    return [str(v) for v in raw]


def _integer(label: Label) -> int | None:
    if isinstance(label, int):
        return label
    try:
        return int(label, 10)
    except ValueError:
        return None


def _csv(p: Path) -> tuple[list[Any], list[Any], int]:
    """Inputs, labels (the last column, as text) and the first data row's number."""
    rows, first_row = csv_rows(p)
    xs, ys = split_columns(rows, 1, str(p), first_row)
    return xs, [y[0] for y in ys], first_row


def _json(p: Path) -> tuple[list[Any], list[Any], int]:
    """Inputs and labels of ``{"X": [[...]], "labels": [...]}``; integer labels as ints."""
    X, labels = json_lists(p, ("X", "labels"), exact_ints=False)
    return X, labels, 1


def _npz(p: Path) -> tuple[list[Any], list[Any], int]:
    """Inputs and labels of the arrays ``X`` (2-d) and ``labels`` (1-d)."""
    with load_numpy(p) as z:
        X, labels = numpy_arrays(p, z, ("X", "labels"))
    if X.ndim != 2 or labels.ndim != 1:
        raise DataError(f"{p}: X must be 2-d and labels 1-d, found shapes {X.shape} and {labels.shape}")
    return exact_rows(X), labels.tolist(), 1
