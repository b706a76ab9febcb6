"""The one place that chooses exactnet's exact number type.

``Q`` is ``gmpy2.mpq`` (gmpy2 is a required dependency); setting the environment variable
``EXACTNET_BACKEND=python`` makes it ``fractions.Fraction``, the pure-Python path that must
give identical results. Every other module
imports ``Q`` from here, so both backends compute the same rationals.

Conversions are exact: ``to_rational`` never rounds. A float (Python or numpy) becomes its
exact binary value, a decimal string its exact decimal value ("0.1" is 1/10).
"""

from __future__ import annotations

import math
import numbers
import os
import re
from fractions import Fraction
from typing import Any

import gmpy2

BACKEND: str
if os.environ.get("EXACTNET_BACKEND", "").lower() == "python":
    BACKEND = "python"
else:
    BACKEND = "gmpy2"

if BACKEND == "gmpy2":
    Q: Any = gmpy2.mpq
    RATIONAL_TYPES: tuple[type, ...] = (type(gmpy2.mpq(0)), Fraction)
else:
    Q = Fraction
    RATIONAL_TYPES = (Fraction,)


class NotExact(ValueError):
    """A value that has no exact rational meaning (NaN, infinity, text that is not a number)."""


class TooLarge(NotExact):
    """Number text beyond ``MAX_DIGITS``: a number, but more than exactnet holds."""


def to_rational(value: object) -> Any:
    """Return ``value`` as an exact ``Q``.

    Accepts int, bool-free integers, Fraction, mpq, numpy integer/float scalars (long double
    included), Python floats and Decimals (their exact value), and strings: integers, decimals
    ("-1.25", "3e-2") and fractions ("-7/3"). Raises ``NotExact`` for NaN, infinities, booleans
    and anything else.
    """
    if isinstance(value, bool):
        raise NotExact(f"booleans are not numbers: {value!r}")
    if isinstance(value, str):
        return _parse(value)
    if isinstance(value, numbers.Integral):
        return Q(int(value))
    if isinstance(value, RATIONAL_TYPES):
        return Q(value.numerator, value.denominator)
    if hasattr(value, "as_integer_ratio"):  # float, numpy floats (long double too), Decimal: exact
        try:
            n, d = value.as_integer_ratio()
        except (ValueError, OverflowError):  # NaN, infinities
            raise NotExact(f"not a finite number: {value!r}") from None
        return Q(int(n), int(d))  # mpfr gives mpz: plain ints keep the Fraction backend pure
    if isinstance(value, numbers.Real):  # other real scalars (e.g. ml_dtypes): widening is exact
        f = float(value)
        if not math.isfinite(f):
            raise NotExact(f"not a finite number: {value!r}")
        n, d = f.as_integer_ratio()
        return Q(n, d)
    raise NotExact(f"not a number: {value!r}")


MAX_DIGITS = 1_000_000  # decimal digits of one number's text, and of its decimal exponent's reach
_FRACTION = re.compile(r"([+-]?)(\d+)\s*/\s*(\d+)")
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters with its length when longer."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text):,} characters)"


def _parse(text: str) -> Any:
    """Integers, decimals ("-1.25", "3e-2") and fractions ("-7/3") of any size up to
    ``MAX_DIGITS`` digits, parsed without Python's int/str digit limit."""
    s = text.strip()
    if s.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        raise NotExact(f"not a finite number: {shown(text)}")
    if len(s) > MAX_DIGITS:
        raise TooLarge(f"number text of {len(s):,} characters is beyond the limit of {MAX_DIGITS:,} digits")
    m = _FRACTION.fullmatch(s)
    if m:
        den = _integer(m.group(3))
        if den == 0:
            raise NotExact(f"zero denominator: {shown(text)}")
        return Q(_integer(m.group(2)) * (-1 if m.group(1) == "-" else 1), den)
    m = _DECIMAL.fullmatch(s)
    if not m or not (m.group(2) or m.group(3)):
        raise NotExact(f"not a number: {shown(text)}")
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    if exp is not None and (len(exp.lstrip("+-")) > 7 or abs(int(exp)) > MAX_DIGITS):
        raise TooLarge(f"exponent {shown(exp)} of {shown(text)} is beyond the limit of +-{MAX_DIGITS:,}")
    n = _integer(whole + frac) * (-1 if sign == "-" else 1)
    e = (int(exp) if exp else 0) - len(frac)
    if e >= 0:
        return Q(n * 10**e)
    return Q(n, 10**-e)


def _integer(digits: str) -> int:
    return int(gmpy2.mpz(digits)) if digits else 0


def digits(n: int) -> str:
    """Decimal text of an integer of any size (no int/str digit limit)."""
    return gmpy2.mpz(n).digits()


def to_text(q: Any) -> str:
    """Exact text of a rational: "3", "-7/2" (any size)."""
    n, d = int(q.numerator), int(q.denominator)
    return digits(n) if d == 1 else f"{digits(n)}/{digits(d)}"


def bits(q: Any) -> int:
    """Storage size of a rational in bits: bit length of |numerator| plus of the denominator
    (0 counts as 1 bit; an integer n has denominator 1, which adds 1)."""
    return max(int(q.numerator).__abs__().bit_length(), 1) + int(q.denominator).bit_length()


def floor(q: Any) -> int:
    """Exact floor of a rational."""
    return int(q.numerator) // int(q.denominator)
