"""Hypothesis strategies for exact data sets and networks, for exactnet's tests and yours.

Needs ``hypothesis`` (``pip install exactnet[test]``). Every value drawn is an exact ``Q``.

    from hypothesis import given
    from exactnet.data.strategies import datasets
    import exactnet

    @given(datasets(max_dim=4, max_points=20))
    def test_memorizes(data):
        assert exactnet.verify(exactnet.build(data), data).exact
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from exactnet.data.dataset import Dataset
from exactnet.network import Layer, Network
from exactnet.rational import Q


def rationals(max_numerator: int = 50, max_denominator: int = 12) -> st.SearchStrategy[Any]:
    """Exact rationals p/q with |p| <= max_numerator and 1 <= q <= max_denominator."""
    return st.builds(Q, st.integers(-max_numerator, max_numerator), st.integers(1, max_denominator))


@st.composite
def datasets(draw: st.DrawFn, *, min_dim: int = 1, max_dim: int = 6, min_points: int = 1, max_points: int = 64,
             outputs: int = 1, values: st.SearchStrategy[Any] | None = None) -> Dataset:
    """Data sets of distinct rational inputs with rational outputs (``outputs`` columns)."""
    values = values if values is not None else rationals()
    dim = draw(st.integers(min_dim, max_dim))
    xs = draw(st.lists(st.tuples(*[values] * dim), min_size=min_points, max_size=max_points, unique=True))
    ys = draw(st.lists(st.tuples(*[values] * outputs), min_size=len(xs), max_size=len(xs)))
    return Dataset.from_rows(xs, ys, source="hypothesis")


@st.composite
def networks(draw: st.DrawFn, *, dim: int | None = None, max_dim: int = 4, max_width: int = 5, max_hidden: int = 2,
             outputs: int = 1, values: st.SearchStrategy[Any] | None = None) -> Network:
    """Random exact networks: relu hidden layers, linear output layer."""
    values = values if values is not None else rationals()
    sizes = [dim if dim is not None else draw(st.integers(1, max_dim))]
    sizes += draw(st.lists(st.integers(1, max_width), min_size=0, max_size=max_hidden)) + [outputs]
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        weights = tuple(tuple(draw(values) for _ in range(n_in)) for _ in range(n_out))
        bias = tuple(draw(values) for _ in range(n_out))
        layers.append(Layer(weights, bias, "linear" if k == len(sizes) - 2 else "relu"))
    return Network(tuple(layers))
