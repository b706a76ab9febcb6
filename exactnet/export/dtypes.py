"""Target number types and exact rounding into them.

``parse_dtype`` reads "float64", "float32", "float16", "bfloat16", "fixed:Qm.n" (m integer bits
including the sign, n fraction bits) and "fixed:auto16" / "fixed:auto32" (m chosen later from the
magnitudes that must fit). Rounding is exact and correctly rounded:

* ``round_float`` rounds a rational to the nearest value of a float type, ties to even, with the
  type's subnormals and overflow to infinity, through MPFR (``gmpy2``) set to the type's
  precision and exponent range; a rational of any size is rounded once, never twice.
* ``round_fixed`` rounds ``q * 2^n`` to the nearest integer, ties to even; range checks are the
  caller's (``FixedType.fits``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import gmpy2
import ml_dtypes
import numpy as np

from exactnet.errors import ExactnetError
from exactnet.rational import Q, to_rational


class ExportError(ExactnetError):
    """An export request that cannot be met as given (dtype, format, range of a fixed format)."""


@dataclass(frozen=True)
class FloatType:
    """An IEEE-style binary float: ``precision`` significand bits (with the hidden bit); MPFR's
    ``emin``/``emax`` (a value is m * 2^e with 1/2 <= m < 1); ``dtype`` its numpy type."""

    name: str
    precision: int
    emin: int
    emax: int
    dtype: Any

    @property
    def unit_roundoff(self) -> Any:
        """u = 2^-precision, as an exact rational."""
        return Q(1, 2**self.precision)

    @property
    def max_finite(self) -> Any:
        """The largest finite value, exactly."""
        return Q(2**self.precision - 1) * Q(2) ** (self.emax - self.precision)

    @property
    def tiny(self) -> Any:
        """The smallest positive (subnormal) value, exactly."""
        return Q(1, 2 ** (1 - self.emin))

    def context(self) -> Any:
        """A gmpy2 context that rounds to this type (nearest, ties to even)."""
        return gmpy2.context(precision=self.precision, emin=self.emin, emax=self.emax,
                             subnormalize=True, round=gmpy2.RoundToNearest)


@dataclass(frozen=True)
class FixedType:
    """Signed fixed point Qm.n: an integer k in [-2^(m+n-1), 2^(m+n-1) - 1] means k / 2^n."""

    int_bits: int
    frac_bits: int

    @property
    def name(self) -> str:
        return f"fixed:Q{self.int_bits}.{self.frac_bits}"

    @property
    def total_bits(self) -> int:
        return self.int_bits + self.frac_bits

    @property
    def storage_bits(self) -> int:
        """The smallest of 8, 16, 32, 64 that holds m + n bits; m + n itself when wider (such
        formats exist only inside the minimal-precision search, never in a file)."""
        return next((b for b in (8, 16, 32, 64) if self.total_bits <= b), self.total_bits)

    @property
    def lo(self) -> int:
        return -(1 << (self.total_bits - 1))

    @property
    def hi(self) -> int:
        return (1 << (self.total_bits - 1)) - 1

    @property
    def accumulator_bits(self) -> int:
        """Width of the products-and-sums accumulator: 64 for storage up to 32 bits, 128 for 64
        bits (wider formats: wide enough never to saturate)."""
        if self.storage_bits <= 64:
            return 64 if self.storage_bits <= 32 else 128
        return 2 * self.total_bits + 64

    @property
    def dtype(self) -> Any:
        """numpy storage type; Python integers (object) beyond 64 bits."""
        return np.dtype(f"int{self.storage_bits}") if self.storage_bits <= 64 else np.dtype(object)

    def fits(self, k: int) -> bool:
        return self.lo <= k <= self.hi


@dataclass(frozen=True)
class AutoFixed:
    """``fixed:autoB``: B total bits, integer bits chosen from the magnitudes that must fit."""

    total_bits: int

    @property
    def name(self) -> str:
        return f"fixed:auto{self.total_bits}"


@dataclass(frozen=True)
class ExactInt64:
    """Exact int64: the network's own dyadic numbers at the bit-span certificate's grids
    (``export.int64``); needs the int64 certificate on the data."""

    name: str = "int64"


DType = FloatType | FixedType | AutoFixed | ExactInt64

FLOATS = {
    "float64": FloatType("float64", 53, -1073, 1024, np.dtype(np.float64)),
    "float32": FloatType("float32", 24, -148, 128, np.dtype(np.float32)),
    "float16": FloatType("float16", 11, -23, 16, np.dtype(np.float16)),
    "bfloat16": FloatType("bfloat16", 8, -132, 128, np.dtype(ml_dtypes.bfloat16)),
}
AUTO_WIDTHS = (8, 16, 32, 64)
C_FLOATS = ("float32", "float64")  # the float types with a C99 type

# Which dtypes each export format carries: the one table every writer and the API consult.
FORMAT_DTYPES = {
    "npz": "every dtype",
    "json": "every dtype (the exact network itself)",
    "onnx": "float64, float32, float16 and bfloat16",
    "c": "float32, float64, fixed point and int64",
}


def check_format_dtype(fmt: str, dtype: DType) -> None:
    """Raise ``ExportError`` when format ``fmt`` cannot carry ``dtype`` (see ``FORMAT_DTYPES``)."""
    if fmt == "onnx" and isinstance(dtype, ExactInt64):
        raise ExportError("format onnx takes float dtypes; write int64 as c or npz")
    if fmt == "onnx" and not isinstance(dtype, FloatType):
        raise ExportError(f"format onnx takes float dtypes ({FORMAT_DTYPES['onnx']}), not {dtype.name}")
    if fmt == "c" and isinstance(dtype, FloatType) and dtype.name not in C_FLOATS:
        raise ExportError(f"format c supports {FORMAT_DTYPES['c']}, not {dtype.name}")


def parse_dtype(text: str) -> DType:
    """The type named by ``text``; raises ``ExportError`` listing what is accepted."""
    s = text.strip().lower()
    if s in FLOATS:
        return FLOATS[s]
    if s == "int64":
        return ExactInt64()
    m = re.fullmatch(r"fixed:q(\d+)\.(\d+)", s)
    if m:
        ib, fb = int(m.group(1)), int(m.group(2))
        if ib < 1 or ib + fb > 64:
            raise ExportError(f"dtype {text!r}: need m >= 1 (the sign bit counts) and m + n <= 64, got m={ib}, n={fb}")
        return FixedType(ib, fb)
    m = re.fullmatch(r"fixed:auto(\d+)", s)
    if m and int(m.group(1)) in AUTO_WIDTHS:
        return AutoFixed(int(m.group(1)))
    raise ExportError(
        f"unknown dtype {text!r}; use one of {', '.join(FLOATS)}, int64 (exact, certified), fixed:Qm.n "
        f"(e.g. fixed:Q16.16) or fixed:auto8/16/32/64"
    )


def round_float(q: Any, ft: FloatType) -> Any:
    """``q`` correctly rounded to ``ft`` (nearest, ties to even) as an ``mpfr``; +-inf on overflow."""
    with ft.context():
        return gmpy2.mpfr(to_rational(q))


def round_mpfr(q: Any, precision: int) -> Any:
    """``q`` rounded to nearest with ``precision`` significand bits and MPFR's wide exponent range."""
    with gmpy2.context(precision=precision, round=gmpy2.RoundToNearest):
        return gmpy2.mpfr(to_rational(q))


def round_fixed(q: Any, frac_bits: int) -> int:
    """The integer nearest to ``q * 2^frac_bits``, ties to even."""
    s = to_rational(q) * (1 << frac_bits)
    n, d = int(s.numerator), int(s.denominator)
    k, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and k % 2):
        k += 1
    return k


def to_numpy(values: Any, ft: FloatType) -> np.ndarray:
    """Already-rounded ``mpfr`` values (any nesting of lists) as an array of ``ft.dtype``; exact,
    since every finite value is representable in float64 and then in ``ft``."""
    arr = np.array(values, dtype=object)
    flat = np.array([float(v) for v in arr.ravel()], dtype=np.float64)
    return flat.astype(ft.dtype).reshape(arr.shape)


def check_tolerance(tolerance: float | None, positive: bool = False) -> None:
    """Raise ``ExportError`` unless ``tolerance`` is None or a finite number >= 0 (> 0 when
    ``positive``: a search for the precision that meets it)."""
    if tolerance is None:
        return
    if not isinstance(tolerance, (int, float)) or tolerance != tolerance or tolerance in (float("inf"), -float("inf")):
        raise ExportError(f"tolerance must be a finite number, got {tolerance!r}")
    if tolerance < 0 or (positive and tolerance == 0):
        raise ExportError(f"tolerance must be {'positive' if positive else 'at least 0'}, got {tolerance!r}")
