"""The build entry point: check the method, construction and target arithmetic, and dispatch
to the builder (``theorem3``, ``exact_in`` for the dyadic construction, ``one_layer``)."""

from __future__ import annotations

from collections.abc import Callable

from exactnet.construct.exact_in import build_exact_in
from exactnet.construct.one_layer import build_one_layer
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError
from exactnet.network import Network

METHODS = ("two-hidden-layer", "one-hidden-layer")
CONSTRUCTIONS = ("theorem3", "dyadic")
Progress = Callable[[int, int], None]


def build(data: Dataset, a1: int | None = None, a2: int | None = None, method: str = "two-hidden-layer",
          seed: int = 0, progress: Progress | None = None, construction: str | None = None,
          exact_in: str = "rational") -> Network:
    """A network that returns every output of ``data`` exactly, built by ``method``:
    "two-hidden-layer" (widths exactly (a1, a2)) or "one-hidden-layer"
    (``one_layer.build_one_layer``, N - 1 hidden neurons; widths must not be given).

    Two hidden layers: ``construction`` "theorem3" (``build_two_layer``, the smallest widths)
    or "dyadic" (``exact_in.build_exact_in``: short dyadic weights, about sqrt(2) times the
    neurons). ``exact_in`` "float64" or "int64" asks for a network whose evaluation in that
    arithmetic is exact on the data (the dyadic construction, its bit span within the limit);
    the default construction is dyadic then, theorem3 otherwise."""
    construction = check_arguments(method, construction, exact_in, a1, a2)
    if method == "two-hidden-layer" and construction == "dyadic":
        return build_exact_in(data, exact_in, a1, a2, seed=seed, progress=progress)
    if method == "one-hidden-layer":
        return build_one_layer(data, seed=seed)
    return build_two_layer(data, a1, a2, seed=seed, progress=progress)


def check_arguments(method: str, construction: str | None, exact_in: str, a1: int | None = None,
                    a2: int | None = None) -> str:
    """Check what ``build`` is asked for, before any data is read; returns the construction
    (its default when None). Raises ``ArgumentError`` naming the parameter."""
    if exact_in not in ("rational", "float64", "int64"):
        raise ArgumentError(f"`exact_in` {exact_in!r}: unknown arithmetic; expected rational, float64 or int64")
    if construction is None:
        construction = "theorem3" if exact_in == "rational" else "dyadic"
    if construction not in CONSTRUCTIONS:
        raise ArgumentError(f"`construction` {construction!r}: unknown construction; "
                            f"expected one of {', '.join(CONSTRUCTIONS)}")
    if construction == "theorem3" and exact_in != "rational":
        raise ArgumentError(f"exact in {exact_in} needs the dyadic construction (theorem3 weights have "
                            "hundreds to thousands of bits)")
    if method == "one-hidden-layer" and (construction == "dyadic"):
        raise ArgumentError("the dyadic construction and `exact_in` apply to the two-hidden-layer method only")
    if method not in METHODS:
        raise ArgumentError(f"`method` {method!r}: unknown method; expected one of {', '.join(METHODS)}")
    if method == "one-hidden-layer" and (a1 is not None or a2 is not None):
        raise ArgumentError("widths `a1`, `a2` apply to the two-hidden-layer method only")
    return construction
