from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnet.construct.simplest import simplest_above, simplest_below, simplest_between
from exactnet.rational import NotExact, Q, bits, to_rational, to_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, Fraction(3)),
        ("0.1", Fraction(1, 10)),
        ("-7/3", Fraction(-7, 3)),
        (" 2.5e-1 ", Fraction(1, 4)),
        (0.1, Fraction(3602879701896397, 36028797018963968)),  # the exact binary value of 0.1
        (np.float32(0.1), Fraction(13421773, 134217728)),
        (np.int64(-5), Fraction(-5)),
        (Fraction(2, 6), Fraction(1, 3)),
        (np.longdouble(1) / np.longdouble(3), Fraction(*(np.longdouble(1) / np.longdouble(3)).as_integer_ratio())),
        (Decimal("0.1"), Fraction(1, 10)),
    ],
)
def test_to_rational_is_exact(value, expected):
    assert to_rational(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "-inf", "NaN", "abc", "1/0", True, None, [1],
                                   np.float32("nan"), np.longdouble("-inf"), Decimal("NaN")])
def test_to_rational_rejects(value):
    with pytest.raises(NotExact):
        to_rational(value)


def test_text_and_bits():
    assert to_text(Q(-7, 2)) == "-7/2" and to_text(Q(3)) == "3"
    assert bits(Q(-7, 2)) == 3 + 2 and bits(Q(0)) == 2


def _brute_simplest(lo: Fraction, hi: Fraction) -> Fraction:
    q = 1
    while True:
        inside = [Fraction(p, q) for p in range(int(lo * q) - 2, int(hi * q) + 3) if lo < Fraction(p, q) < hi]
        if inside:
            return min(inside, key=abs)
        q += 1


fractions_ = st.builds(Fraction, st.integers(-60, 60), st.integers(1, 9))


@settings(max_examples=300, deadline=None)
@given(fractions_, fractions_)
def test_simplest_between_is_the_smallest_denominator_inside(a, b):
    if a == b:
        return
    lo, hi = min(a, b), max(a, b)
    s = simplest_between(Q(lo), Q(hi))
    assert lo < s < hi
    assert s == _brute_simplest(lo, hi)


def test_simplest_outside():
    assert simplest_above(Q(5, 2)) == 3 and simplest_above(Q(-5, 2)) == 0 and simplest_above(Q(3)) == 4
    assert simplest_below(Q(5, 2)) == 0 and simplest_below(Q(-5, 2)) == -3
    with pytest.raises(ValueError):
        simplest_between(Q(1), Q(1))


@pytest.mark.parametrize("text, expected", [
    ("1e3", 1000), ("12.5e2", 1250), ("-2.5E+1", -25), ("7e0", 7), ("5.", 5), (".5", Fraction(1, 2)),
    ("3e-2", Fraction(3, 100)), ("+4.25e1", Fraction(85, 2)), ("1e400", 10**400),
])
def test_decimal_text_with_exponents_is_exact(text, expected):
    """Found by mutation testing: no test read a decimal with a positive exponent (10**e as 11**e)."""
    assert to_rational(text) == expected


def test_the_limits_on_number_text_are_inclusive():
    from exactnet.rational import MAX_DIGITS, TooLarge

    assert to_rational("1" * MAX_DIGITS) == _long_ones(MAX_DIGITS)
    with pytest.raises(TooLarge, match=f"number text of {MAX_DIGITS + 1:,} characters"):
        to_rational("1" * (MAX_DIGITS + 1))
    assert to_rational(f"1e-{MAX_DIGITS}") == Fraction(1, 10**MAX_DIGITS)
    with pytest.raises(TooLarge, match="exponent"):
        to_rational(f"1e-{MAX_DIGITS + 1}")
    assert to_rational("1e0000001") == 10  # seven exponent digits are allowed
    with pytest.raises(TooLarge, match="exponent"):
        to_rational("1e00000001")  # eight are not, whatever their value
    with pytest.raises(NotExact, match="zero denominator: '3/0'"):
        to_rational("3/0")
    for bad in (".", "e5", "+", ""):
        with pytest.raises(NotExact):
            to_rational(bad)


def _long_ones(n: int) -> int:
    """The integer of n ones, built without Python's digit limit for int(str)."""
    return (10**n - 1) // 9


def test_shown_quotes_text_whole_up_to_its_limit_and_cuts_it_after():
    from exactnet.rational import shown

    assert shown("x" * 40) == repr("x" * 40)
    assert shown("x" * 41) == f"{'x' * 40!r}... (41 characters)"
    assert shown("y" * 5000, limit=3) == "'yyy'... (5,000 characters)"
