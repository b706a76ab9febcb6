"""A property as VNN-LIB text, in the 1.0 syntax (``X_0``, ``declare-const``) that Marabou and
most verifiers read, and the 2.0 syntax (``declare-network``, ``X[0]``) of the ``vnnlib`` package.

Every number is written as an exact decimal with a decimal point (2.0 requires the point for
float variables), so the text means exactly the rational the property holds; that needs every
number to be dyadic (a denominator that is a power of two), which ``decimal`` checks.
"""

from __future__ import annotations

from typing import Any

from exactnet.instances.property import Clause, Property


def decimal(q: Any) -> str:
    """The exact decimal text of a dyadic rational, always with a point: 3 -> "3.0",
    -5/8 -> "-0.625". Raises ``ValueError`` for a non-dyadic number."""
    den = int(q.denominator)
    k = den.bit_length() - 1
    if den != 1 << k:
        raise ValueError(f"{q} has no finite decimal form")
    num = abs(int(q.numerator)) * 5**k
    whole, frac = divmod(num, 10**k)
    digits = str(frac).rjust(k, "0").rstrip("0") if k else ""
    return ("-" if q < 0 else "") + f"{whole}.{digits or '0'}"


def text_v1(prop: Property, outputs: int) -> str:
    """VNN-LIB 1.0: constants X_i and Y_j, the box, the unsafe region as one assertion."""
    d = len(prop.lower)
    lines = [f"(declare-const X_{i} Real)" for i in range(d)]
    lines += [f"(declare-const Y_{j} Real)" for j in range(outputs)]
    lines += _box(prop, lambda i: f"X_{i}")
    lines.append(_unsafe(prop, lambda j: f"Y_{j}"))
    return "\n".join(lines) + "\n"


def text_v2(prop: Property, outputs: int) -> str:
    """VNN-LIB 2.0: one network N with input X [d] and output Y [m] declared ``real``: the
    answers hold in real arithmetic, so any conformant solver may take the file (sections 5.3.2
    and 5.4.1); which float formats evaluate the network exactly is said beside it
    (benchmark.json)."""
    d = len(prop.lower)
    lines = ["(vnnlib-version <2.0>)", "(declare-network N",
             f"    (declare-input X real [{d}])", f"    (declare-output Y real [{outputs}])", ")"]
    lines += _box(prop, lambda i: f"X[{i}]")
    lines.append(_unsafe(prop, lambda j: f"Y[{j}]"))
    return "\n".join(lines) + "\n"


def _box(prop: Property, x: Any) -> list[str]:
    lines = []
    for i, (lo, hi) in enumerate(zip(prop.lower, prop.upper)):
        lines += [f"(assert (>= {x(i)} {decimal(lo)}))", f"(assert (<= {x(i)} {decimal(hi)}))"]
    return lines


def _atom(c: Clause, y: Any) -> str:
    if c.other is None:
        return f"({c.op} {y(c.output)} {decimal(c.bound)})"
    if c.bound != 0:
        raise ValueError("a clause between two outputs is written with bound 0 only")
    return f"({c.op} {y(c.output)} {y(c.other)})"


def _unsafe(prop: Property, y: Any) -> str:
    atoms = [_atom(c, y) for c in prop.clauses]
    if len(atoms) == 1:
        return f"(assert {atoms[0]})"
    return "(assert (or " + " ".join(f"(and {a})" for a in atoms) + "))"
