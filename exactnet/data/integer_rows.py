"""Integer inputs kept as one numpy array: N x d cells without an object per cell.

``IntegerRows`` is the read-only sequence of input rows a ``Dataset`` holds when its inputs come
from an integer array (a .npz/.npy file of integers, ``synthetic``): a 10^6 x 784 array of
uint8 is 784 MB here and about 44 GB as rationals. Indexing gives a row as a tuple of exact
rationals, like every other ``Dataset``; the methods below answer the questions the
constructions and the verifier ask of all cells at once, in numpy, exactly.

Every value lies strictly between -2^63 and 2^63 (``fits``); sums of products are formed in
float64 only below 2^53 and in int64 only below 2^62 (the bounds are checked first), else in
Python integers, so no number is ever rounded or wrapped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from exactnet.rational import Q

BLOCK = 4096  # rows converted at a time (bounds the temporary arrays)
FLOAT_EXACT = 1 << 53
INT_SAFE = 1 << 62


def fits(A: np.ndarray) -> bool:
    """Whether ``A`` is a 2-d integer array with every value in (-2^63, 2^63)."""
    if A.ndim != 2 or A.dtype.kind not in "iu" or A.size == 0:
        return A.ndim == 2 and A.dtype.kind in "iu"
    if A.dtype.kind == "u":
        return A.dtype.itemsize < 8 or int(A.max()) < 1 << 63
    return A.dtype.itemsize < 8 or int(A.min()) > -(1 << 63)


class IntegerRows(Sequence[tuple[Any, ...]]):
    """The rows of an N x d integer array (any numpy integer dtype, values as ``fits`` says)."""

    def __init__(self, array: np.ndarray) -> None:
        if not fits(array):
            raise ValueError("IntegerRows takes a 2-d integer array with values in (-2^63, 2^63)")
        self.array = array
        self._max_abs: int | None = None
        self._max_odd: int | None = None
        self._grid: tuple[int | None] | None = None  # (grid,) once computed

    def __len__(self) -> int:
        return self.array.shape[0]

    @overload
    def __getitem__(self, i: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, i: slice) -> IntegerRows: ...

    def __getitem__(self, i: int | slice) -> tuple[Any, ...] | IntegerRows:
        if isinstance(i, slice):
            return IntegerRows(self.array[i])
        return tuple(map(Q, self.array[i].tolist()))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for s in range(0, len(self), BLOCK):
            for row in self.array[s:s + BLOCK].tolist():
                yield tuple(map(Q, row))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IntegerRows):
            return self.array.shape == other.array.shape and bool(np.array_equal(self.array, other.array))
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(tuple(a) == b for a, b in zip(other, self))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IntegerRows({self.array.shape[0]} x {self.array.shape[1]}, {self.array.dtype})"

    def blocks(self) -> Iterator[np.ndarray]:
        """The array in blocks of ``BLOCK`` rows (views)."""
        for s in range(0, len(self), BLOCK):
            yield self.array[s:s + BLOCK]

    def max_abs(self) -> int:
        """The largest |value| (0 for no cells); computed once."""
        if self._max_abs is None:
            a = self.array
            self._max_abs = max(abs(int(a.max())), abs(int(a.min()))) if a.size else 0
        return self._max_abs

    @staticmethod
    def odd_parts(block: np.ndarray) -> np.ndarray:
        """Each |value| of ``block`` with its trailing zero bits removed (0 stays 0), as uint64."""
        a = np.abs(block.astype(np.int64)).astype(np.uint64) if block.dtype.kind == "i" else block.astype(np.uint64)
        low = a & (~a + np.uint64(1))  # the lowest set bit (0 for 0)
        return np.where(a == 0, np.uint64(0), a // np.maximum(low, np.uint64(1)))

    def max_odd(self) -> int:
        """The largest odd part of a |value| (``odd_parts``): an integer is a number of a float
        format with p significand bits when its odd part is below 2^p. Computed once."""
        if self._max_odd is None:
            self._max_odd = max((int(self.odd_parts(b).max()) for b in self.blocks() if b.size), default=0)
        return self._max_odd

    def grid(self) -> int | None:
        """The finest grid exponent of the nonzero values (``span.exponent``: an integer ``v``
        with ``k`` trailing zero bits lies on the grid ``2^k``, exponent ``-k``), None if all are 0.
        The finest is set by the fewest trailing zeros, which is the trailing zeros of the OR of
        all magnitudes. Computed once."""
        if self._grid is None:
            bits = 0
            for block in self.blocks():
                b = _magnitudes(block).astype(np.uint64)
                bits |= int(np.bitwise_or.reduce(b, axis=None)) if b.size else 0
            self._grid = (None if bits == 0 else -((bits & -bits).bit_length() - 1),)
        return self._grid[0]

    def products(self, r: Sequence[int]) -> np.ndarray | list[int]:
        """``x . r`` for every row, exactly: int64 array when every sum is proven below 2^62, else
        a list of Python integers. float64 matrix products are used where every partial sum is an
        integer below 2^53 (then nothing rounds)."""
        bound = self.max_abs() * sum(abs(int(v)) for v in r)
        if bound < FLOAT_EXACT:
            return self.many_products([r])[0]
        if bound < INT_SAFE:
            ri = np.array([int(v) for v in r], dtype=np.int64)
            return np.concatenate([b.astype(np.int64) @ ri for b in self.blocks()] or [np.zeros(0, np.int64)])
        ro = [int(v) for v in r]
        return [sum(a * b for a, b in zip(row, ro)) for block in self.blocks() for row in block.tolist()]

    def many_products(self, rows: Sequence[Sequence[int]]) -> list[np.ndarray | list[int]]:
        """``products(r)`` for each r of ``rows``; those whose sums stay below 2^53 in one pass
        over the array (one float64 matrix product per block: the conversion is paid once)."""
        fast = [k for k, r in enumerate(rows) if self.max_abs() * sum(abs(int(v)) for v in r) < FLOAT_EXACT]
        out: list[np.ndarray | list[int]] = [[] for _ in rows]
        if fast:
            R = np.array([[float(v) for v in rows[k]] for k in fast]).T.reshape(self.array.shape[1], len(fast))
            T = np.concatenate([b.astype(np.float64) @ R for b in self.blocks()] or [np.zeros((0, len(fast)))])
            for j, k in enumerate(fast):
                out[k] = T[:, j].astype(np.int64)
        for k, r in enumerate(rows):
            if k not in fast:
                out[k] = self.products(r)
        return out

    def reach(self, r: Sequence[int]) -> int:
        """The largest ``sum_k |r_k| |x_k|`` over the rows (0 for no rows), exactly."""
        absolute = [abs(int(v)) for v in r]
        best = 0
        for block in self.blocks():
            sums = IntegerRows(_magnitudes(block)).products(absolute)
            best = max(best, int(max(sums, default=0)))
        return best

    def scaled(self, e: int) -> np.ndarray | list[list[int]]:
        """Every value times ``2^e`` (``e`` at least minus the trailing zeros ``grid`` allows):
        an int64 array when the results stay below 2^62, else lists of Python integers."""
        big = self.max_abs()
        if e <= 0:
            return self.array.astype(np.int64) >> -e
        if big << e < INT_SAFE:
            return self.array.astype(np.int64) << e
        return [[v << e for v in row] for row in self.array.tolist()]


def _magnitudes(block: np.ndarray) -> np.ndarray:
    """|block| without wrapping: signed values are widened to int64 first (|int8 -128| is 128)."""
    return np.abs(block.astype(np.int64)) if block.dtype.kind == "i" else block


def first_occurrence(A: np.ndarray) -> np.ndarray:
    """For each row of the 2-d array ``A``, the index of the first row equal to it (its own
    index when it is the first). Rows are hashed in numpy (O(N d)); rows with equal hashes are
    compared byte for byte, so a hash collision never merges different rows."""
    n = A.shape[0]
    h = _row_hashes(A)
    order = np.argsort(h, kind="stable")
    ranked = h[order]
    first = np.arange(n)
    same = np.flatnonzero(ranked[1:] == ranked[:-1])
    if same.size == 0:
        return first
    starts = same[np.r_[True, np.diff(same) > 1]]  # each run of equal hashes
    for s in starts.tolist():
        e = s + 1
        while e < n and ranked[e] == ranked[s]:
            e += 1
        seen: dict[bytes, int] = {}
        for k in sorted(order[s:e].tolist()):
            first[k] = seen.setdefault(A[k].tobytes(), k)
    return first


def _row_hashes(A: np.ndarray) -> np.ndarray:
    """A 64-bit hash per row: the row times fixed odd multipliers, summed modulo 2^64."""
    mult = np.random.default_rng(0).integers(1, 1 << 62, size=A.shape[1], dtype=np.uint64) | np.uint64(1)
    h = np.empty(A.shape[0], dtype=np.uint64)
    for s in range(0, A.shape[0], BLOCK):
        with np.errstate(over="ignore"):
            h[s:s + BLOCK] = (A[s:s + BLOCK].astype(np.uint64) * mult).sum(axis=1, dtype=np.uint64)
    return h


def row_texts(A: np.ndarray) -> list[bytes]:
    """Each row of the 2-d integer array ``A`` (values as ``fits`` says) as the decimal text
    ``str`` gives its values, joined by commas: ``b"12,-3,0"``. Vectorised: O(cells) numpy work
    (a table of every value's text when the values span fewer than 2^16 integers of at most
    7 characters)."""
    n, d = A.shape
    if n == 0 or d == 0:
        return [b""] * n
    lo, hi = int(A.min()), int(A.max())
    if hi - lo < 1 << 16 and -10**6 < lo and hi < 10**7:  # every text fits 7 bytes
        table = np.zeros((hi - lo + 1, 8), dtype=np.uint8)  # right-aligned text, NUL padding, ","
        for k in range(hi - lo + 1):
            text = str(lo + k).encode()
            table[k, 7 - len(text):7] = np.frombuffer(text, dtype=np.uint8)
        table[:, 7] = ord(",")
        index = A if lo == 0 and A.dtype.kind == "u" else A.astype(np.int64) - lo
        chars = table.view(np.uint64).ravel()[index].view(np.uint8).reshape(n, d, 8)  # a gather of 8-byte words
        chars[:, -1, -1] = ord("\n")
        flat = chars.ravel()
        return flat[flat != 0].tobytes().split(b"\n")[:-1]
    return [",".join(map(str, row)).encode() for row in A.tolist()]
