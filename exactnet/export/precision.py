"""The smallest float significand width and fixed-point fraction width that keep the measured
maximum error on the data within a tolerance.

Floats are emulated with MPFR at any width (``emulate.mpfr_forward``: weights, inputs and every
operation rounded to nearest with p significand bits, exponent range unbounded); fixed point
with the integer emulation (``emulate.fixed_forward``) in Qm.n, m large enough that nothing
saturates. The error need not fall monotonically with the width, so the search promises: the
width returned meets the tolerance and one bit less does not (found by galloping from a guess,
then bisection), not that no smaller width would.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exactnet.data.dataset import Dataset
from exactnet.export.dtypes import FixedType, check_tolerance
from exactnet.export.emulate import fixed_forward, mpfr_forward
from exactnet.export.rounding import integer_bits, quantize_inputs, round_network
from exactnet.network import Network
from exactnet.rational import Q, to_rational
from exactnet.verifier.general import preactivations

MAX_BITS = 1 << 14
FLOAT64_BITS = 53


@dataclass(frozen=True)
class PrecisionReport:
    """``float_bits``: significand bits (hidden bit included; float64 has 53); ``fixed``: the Qm.n
    found. Either is None when no width up to ``MAX_BITS`` met the tolerance."""

    tolerance: float
    float_bits: int | None
    float_error: Any
    fixed: FixedType | None
    fixed_error: Any
    evaluations: int

    @property
    def float64_enough(self) -> bool:
        return self.float_bits is not None and self.float_bits <= FLOAT64_BITS


def _max_error(got: Any, Y: Any) -> Any:
    return max(abs(to_rational(g) - Q(y)) for row, yrow in zip(got, Y) for g, y in zip(row, yrow))


def smallest(ok: Callable[[int], bool], guess: int, lo: int = 1, hi: int = MAX_BITS) -> int | None:
    """A width w in [lo, hi] with ok(w) and (w == lo or not ok(w - 1)), or None if not ok(hi)."""
    guess = min(max(guess, lo), hi)
    if ok(guess):
        good, step = guess, 1
        while good > lo:
            probe = max(good - step, lo)
            if not ok(probe):
                bad = probe
                break
            good, step = probe, step * 2
        else:
            return lo
    else:
        bad, step = guess, 1
        while True:
            if bad >= hi:
                return None
            probe = min(bad + step, hi)
            if ok(probe):
                good = probe
                break
            bad, step = probe, step * 2
    while good - bad > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if ok(mid) else (good, mid)
    return good


def min_precision(net: Network, data: Dataset, tolerance: float, *, max_bits: int = MAX_BITS) -> PrecisionReport:
    """Search both widths for ``net`` on ``data`` (see the module docstring). Raises
    ``ExportError`` unless ``tolerance`` is a finite positive number."""
    check_tolerance(tolerance, positive=True)
    tol = Q(tolerance)
    errors: dict[tuple[str, int], Any] = {}

    def float_ok(p: int) -> bool:
        errors["float", p] = _max_error(mpfr_forward(net, data.X, p), data.Y)
        return errors["float", p] <= tol

    e53 = _max_error(mpfr_forward(net, data.X, FLOAT64_BITS), data.Y)
    errors["float", FLOAT64_BITS] = e53
    guess = FLOAT64_BITS + (math.ceil(math.log2(float(e53 / tol))) if e53 > 0 else -FLOAT64_BITS)
    p = smallest(float_ok, guess, 2, max_bits)

    pre = preactivations(net, data.X)
    m = _int_bits(net, pre, data)

    def fixed_ok(n: int) -> bool:
        fx = FixedType(m, n)
        rounded = round_network(net, fx)
        Xq, _ = quantize_inputs(data.X, fx)
        out, _ = fixed_forward(rounded.arrays, Xq, fx, rounded.activations)
        scale = Q(1, 1 << n)
        errors["fixed", n] = _max_error([[Q(int(v)) * scale for v in row] for row in out], data.Y)
        return errors["fixed", n] <= tol

    n = smallest(fixed_ok, max(p - m, 0) if p else 0, 0, max_bits)
    return PrecisionReport(
        tolerance, p, errors.get(("float", p)) if p else None,
        FixedType(m, n) if n is not None else None, errors.get(("fixed", n)) if n is not None else None,
        len(errors),
    )


def _int_bits(net: Network, pre: Any, data: Dataset) -> int:
    """Integer bits for every weight, input, output and pre-activation, plus one to spare."""
    values = [v for layer in net.layers for v in layer.numbers()]
    values += [v for layer in pre for row in layer for v in row]
    values += [v for x in data.X for v in x] + [v for y in data.Y for v in y]
    return integer_bits(max(abs(to_rational(v)) for v in values)) + 1
