"""A small, safe expression language in one variable x, parsed with ``ast`` and a whitelist.

Allowed: numbers (integers and decimals, taken exactly: "0.1" is 1/10), the name ``x``,
``+ - * /``, unary ``-`` and ``+``, integer powers written ``**`` or ``^`` (the same operator,
with the usual precedence: -x^2 is -(x^2); the exponent is an integer literal, |n| <= 64),
parentheses, and the functions exp, tanh, sin, cos, log, sqrt with one argument. Nothing is
ever passed to ``eval``: the parse tree is checked node by node and turned into the small tree
below, which ``evaluate`` walks over any number type (floats, numpy arrays,
arb balls, jets of arb balls for derivatives). Anything else is refused with ``ExprError``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactnet.errors import ExactnetError

FUNCTIONS = ("exp", "tanh", "sin", "cos", "log", "sqrt")
MAX_LENGTH = 2000
MAX_NODES = 500
MAX_POWER = 64
MAX_NUMBER = 10**100
ALLOWED = "numbers, x, + - * /, unary minus, ** or ^ with an integer exponent, parentheses, " + ", ".join(FUNCTIONS)


class ExprError(ExactnetError):
    """An expression outside the language (or not an expression at all)."""


@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Var:
    pass


@dataclass(frozen=True)
class Neg:
    arg: Expr


@dataclass(frozen=True)
class Bin:
    op: str  # one of + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Pow:
    base: Expr
    n: int


@dataclass(frozen=True)
class Call:
    fn: str  # one of FUNCTIONS
    arg: Expr


Expr = Num | Var | Neg | Bin | Pow | Call

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def parse(text: str) -> Expr:
    """The expression tree of ``text``; raises ``ExprError`` naming the first thing refused."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("EXPR is empty; expected an expression in x such as \"tanh(2*x)\"")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"EXPR is {len(text)} characters long; at most {MAX_LENGTH} are accepted")
    src = text.strip().replace("^", "**")  # ^ is a power, with the precedence of **
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        raise ExprError(f"EXPR is not a valid expression (column {e.offset}): {text.strip()!r}") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExprError(f"EXPR has {count} syntax nodes; at most {MAX_NODES} are accepted")
    return _convert(tree.body, src)


def _convert(node: ast.AST, src: str) -> Expr:
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExprError(f"EXPR: the constant {ast.get_source_segment(src, node)!r} is not allowed; only numbers")
        text = ast.get_source_segment(src, node) or repr(v)
        try:
            q = Fraction(text.replace("_", ""))
        except (ValueError, ZeroDivisionError):
            raise ExprError(f"EXPR: the number {text!r} is not allowed") from None
        if abs(q) > MAX_NUMBER or (q and abs(q) < 1 / Fraction(MAX_NUMBER)):
            raise ExprError(f"EXPR: the number {text!r} is out of range (magnitude 1e-100 to 1e100)")
        return Num(q)
    if isinstance(node, ast.Name):
        if node.id == "x":
            return Var()
        raise ExprError(f"EXPR: the name {node.id!r} is not allowed; the only variable is x (allowed: {ALLOWED})")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        arg = _convert(node.operand, src)
        return Neg(arg) if isinstance(node.op, ast.USub) else arg
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.BitXor)):
        return Pow(_convert(node.left, src), _exponent(node.right, src))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return Bin(_BINOPS[type(node.op)], _convert(node.left, src), _convert(node.right, src))
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            what = ast.get_source_segment(src, node.func) or "this call"
            raise ExprError(f"EXPR: calling {what!r} is not allowed; functions: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExprError(f"EXPR: {name} takes exactly one argument")
        return Call(name, _convert(node.args[0], src))
    what = ast.get_source_segment(src, node) or type(node).__name__
    raise ExprError(f"EXPR: {type(node).__name__.lower()} {what!r} is not allowed (allowed: {ALLOWED})")


def _exponent(node: ast.AST, src: str) -> int:
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if not (isinstance(node, ast.Constant) and type(node.value) is int):
        raise ExprError(f"EXPR: the exponent {ast.get_source_segment(src, node)!r} must be an integer literal")
    n = sign * node.value
    if abs(n) > MAX_POWER:
        raise ExprError(f"EXPR: the exponent {n} is too large (at most {MAX_POWER} in absolute value)")
    return n


def evaluate(e: Expr, x: Any, const: Callable[[Fraction], Any], functions: Mapping[str, Callable[[Any], Any]]) -> Any:
    """The value of ``e`` at ``x`` in the number type given by ``const`` (a Fraction to a
    number of that type) and ``functions`` (one entry per name in ``FUNCTIONS``)."""
    if isinstance(e, Num):
        return const(e.value)
    if isinstance(e, Var):
        return x
    if isinstance(e, Neg):
        return -evaluate(e.arg, x, const, functions)
    if isinstance(e, Bin):
        a = evaluate(e.left, x, const, functions)
        b = evaluate(e.right, x, const, functions)
        return a + b if e.op == "+" else a - b if e.op == "-" else a * b if e.op == "*" else a / b
    if isinstance(e, Pow):
        base = evaluate(e.base, x, const, functions)
        if e.n == 0:
            return base * 0 + const(Fraction(1))
        p = base
        for _ in range(abs(e.n) - 1):
            p = p * base
        return p if e.n > 0 else const(Fraction(1)) / p
    if isinstance(e, Call):
        return functions[e.fn](evaluate(e.arg, x, const, functions))
    raise TypeError(f"not an expression node: {e!r}")


def show(e: Expr) -> str:
    """Canonical text of ``e`` (fully parenthesised)."""
    if isinstance(e, Num):
        return str(e.value)
    if isinstance(e, Var):
        return "x"
    if isinstance(e, Neg):
        return f"(-{show(e.arg)})"
    if isinstance(e, Bin):
        return f"({show(e.left)} {e.op} {show(e.right)})"
    if isinstance(e, Pow):
        return f"({show(e.base)})^{e.n}"
    return f"{e.fn}({show(e.arg)})"
