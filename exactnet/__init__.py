"""exactnet: ReLU networks that memorize data exactly, with an independent exact verifier.

    import exactnet
    net = exactnet.build(X, Y, a1=3, a2=3)       # two hidden layers, exact on every point
    cert = exactnet.verify(net, X, Y)            # independent exact check
    assert cert.exact and cert.max_error == 0
    net.save("net.json"); net = exactnet.Network.load("net.json")
    net([1, 2, 3, 4, 5])                         # exact output, a list of rationals
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exactnet.construct.build import build_two_layer, smallest_widths
from exactnet.dataset import Dataset
from exactnet.dataset import read as read_data
from exactnet.errors import CapacityError, DataError, ExactnetError, NetworkFileError
from exactnet.network import Layer, Network
from exactnet.rational import BACKEND, Q, to_rational
from exactnet.verify import Certificate
from exactnet.verify import verify as _verify

__all__ = [
    "BACKEND", "CapacityError", "Certificate", "DataError", "Dataset", "ExactnetError", "Layer",
    "Network", "NetworkFileError", "Q", "as_dataset", "build", "read_data", "smallest_widths",
    "to_rational", "verify",
]
__version__ = "0.1.0"


def as_dataset(X: Dataset | Sequence[Sequence[Any]], Y: Sequence[Any] | None = None) -> Dataset:
    """``X`` if it is a ``Dataset``, else ``Dataset.from_rows(X, Y)`` (validated, exact)."""
    if isinstance(X, Dataset):
        return X
    if Y is None:
        raise DataError("outputs Y are required when X is not a Dataset")
    return Dataset.from_rows(X, Y)


def build(X: Dataset | Sequence[Sequence[Any]], Y: Sequence[Any] | None = None, *,
          a1: int | None = None, a2: int | None = None, seed: int = 0, progress: Any = None) -> Network:
    """A two-hidden-layer ReLU network with widths (a1, a2) that returns every output exactly.

    ``X``: N inputs (rows of numbers: int, Fraction, mpq, exact strings, floats taken at their
    exact binary value) or a ``Dataset``; ``Y``: N outputs. Widths default to the fewest
    neurons with a1 * a2 >= N. Raises ``DataError`` or ``CapacityError`` for bad input.
    """
    return build_two_layer(as_dataset(X, Y), a1, a2, seed=seed, progress=progress)


def verify(net: Network, X: Dataset | Sequence[Sequence[Any]], Y: Sequence[Any] | None = None,
           **kw: Any) -> Certificate:
    """Independent exact check of ``net`` on the data; see ``exactnet.verify.verify``."""
    return _verify(net, as_dataset(X, Y), **kw)
