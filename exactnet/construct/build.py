"""The build entry point: check the method, construction and target arithmetic, and dispatch
to the builder (``theorem3``, ``exact_in`` for the dyadic construction, ``one_layer``)."""

from __future__ import annotations

from exactnet.construct.exact_in import build_exact_in
from exactnet.construct.in_format import FORMATS, build_in_format
from exactnet.construct.one_layer import build_one_layer
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError
from exactnet.network import Network
from exactnet.progress import Progress

METHODS = ("two-hidden-layer", "one-hidden-layer")
CONSTRUCTIONS = ("theorem3", "dyadic", "bucketed")
TARGETS = ("rational", "float64", "int64", *FORMATS)



def build(data: Dataset, a1: int | None = None, a2: int | None = None, method: str = "two-hidden-layer",
          seed: int = 0, progress: Progress | None = None, construction: str | None = None,
          exact_in: str = "rational", depth: int | None = None, bucket_size: int | None = None) -> Network:
    """A network that returns every output of ``data`` exactly, built by ``method``:
    "two-hidden-layer" (widths exactly (a1, a2)) or "one-hidden-layer"
    (``one_layer.build_one_layer``, N - 1 hidden neurons; widths must not be given).

    Two hidden layers: ``construction`` "theorem3" (``build_two_layer``, the smallest widths)
    or "dyadic" (``exact_in.build_exact_in``: short dyadic weights, about sqrt(2) times the
    neurons). ``exact_in`` "float64" or "int64" asks for a network whose evaluation in that
    arithmetic is exact on the data (the dyadic construction, its bit span within the limit);
    the default construction is dyadic then, theorem3 otherwise. ``exact_in`` "float32",
    "float16" or "bfloat16": the bucketed construction (``in_format.build_in_format``: 3 or 4
    hidden layers, every pre-activation small; ``depth`` and ``bucket_size`` fix its knobs,
    searched otherwise)."""
    construction = check_arguments(method, construction, exact_in, a1, a2, depth, bucket_size)
    if construction == "bucketed":
        return build_in_format(data, "float32" if exact_in == "rational" else exact_in, depth=depth,
                               bucket_size=bucket_size, seed=seed)
    if method == "two-hidden-layer" and construction == "dyadic":
        return build_exact_in(data, exact_in, a1, a2, seed=seed, progress=progress)
    if method == "one-hidden-layer":
        return build_one_layer(data, seed=seed)
    return build_two_layer(data, a1, a2, seed=seed, progress=progress)


def check_arguments(method: str, construction: str | None, exact_in: str, a1: int | None = None,
                    a2: int | None = None, depth: int | None = None, bucket_size: int | None = None) -> str:
    """Check what ``build`` is asked for, before any data is read; returns the construction
    (its default when None). Raises ``ArgumentError`` naming the parameter."""
    if exact_in not in TARGETS:
        raise ArgumentError(f"`exact_in` {exact_in!r}: unknown arithmetic; expected one of {', '.join(TARGETS)}")
    if construction is None:
        construction = "theorem3" if exact_in == "rational" else "bucketed" if exact_in in FORMATS else "dyadic"
    if construction not in CONSTRUCTIONS:
        raise ArgumentError(f"`construction` {construction!r}: unknown construction; "
                            f"expected one of {', '.join(CONSTRUCTIONS)}")
    if exact_in in FORMATS and construction != "bucketed":
        raise ArgumentError(f"exact in {exact_in} needs the bucketed construction (every pre-activation small)")
    if construction == "theorem3" and exact_in != "rational":
        raise ArgumentError(f"exact in {exact_in} needs the dyadic construction (theorem3 weights have "
                            "hundreds to thousands of bits)")
    if method == "one-hidden-layer" and (construction == "dyadic"):
        raise ArgumentError("the dyadic construction and `exact_in` apply to the two-hidden-layer method only")
    if method not in METHODS:
        raise ArgumentError(f"`method` {method!r}: unknown method; expected one of {', '.join(METHODS)}")
    if method == "one-hidden-layer" and (a1 is not None or a2 is not None):
        raise ArgumentError("widths `a1`, `a2` apply to the two-hidden-layer method only")
    if construction == "bucketed" and exact_in in ("float64", "int64"):
        raise ArgumentError(f"exact in {exact_in}: use the dyadic construction (the bucketed one targets "
                            f"{', '.join(FORMATS)})")
    if construction == "bucketed" and (a1 is not None or a2 is not None or method != "two-hidden-layer"):
        raise ArgumentError("the bucketed construction takes `depth` and `bucket_size`, not widths or a method")
    if construction != "bucketed" and (depth is not None or bucket_size is not None):
        raise ArgumentError("`depth` and `bucket_size` apply to the bucketed construction only")
    return construction
