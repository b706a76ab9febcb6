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

from exactnet.capacity import smallest_two_layer
from exactnet.construct.build import build as _build
from exactnet.construct.one_layer import build_one_layer as _build_one_layer
from exactnet.data.dataset import Dataset
from exactnet.data.dataset import read as read_data
from exactnet.data.labels import Labelled, read_labelled
from exactnet.data.labels import encode as encode_labels
from exactnet.errors import ArgumentError, CapacityError, DataError, ExactnetError, NetworkFileError
from exactnet.export import ExportError, ExportReport, PrecisionReport, export_network, min_precision
from exactnet.network import Layer, Network
from exactnet.rational import BACKEND, Q, to_rational
from exactnet.verifier import Certificate
from exactnet.verifier import verify as _verify
from exactnet.verifier.sweep import OutputRange, output_range

__all__ = [
    "ArgumentError", "BACKEND", "CapacityError", "Certificate", "DataError", "Dataset", "ExactnetError", "ExportError",
    "ExportReport",
    "Labelled", "Layer", "PrecisionReport", "export_network", "min_precision",
    "Network", "NetworkFileError", "OutputRange", "Q", "output_range",
    "as_dataset", "build", "build_one_layer", "encode_labels", "read_data",
    "read_labelled", "smallest_two_layer", "to_rational", "verify",
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
          a1: int | None = None, a2: int | None = None, method: str = "two-hidden-layer", seed: int = 0,
          progress: Any = None, construction: str | None = None, exact_in: str = "rational") -> Network:
    """A ReLU network that returns every output exactly.

    ``X``: N inputs (rows of numbers: int, Fraction, mpq, exact strings, floats taken at their
    exact binary value) or a ``Dataset``; ``Y``: N outputs, scalars or rows of m numbers.
    ``method="two-hidden-layer"``: widths exactly (a1, a2), for N <= a1*(a2 div m) + (a2 mod m)
    (Inoue's Theorems 3 and 4); missing widths: fewest neurons, then fewest parameters
    (``smallest_two_layer``). ``method="one-hidden-layer"``: the N - 1 neuron baseline.
    ``exact_in="float64"`` (or "int64"): the dyadic construction with the fewest neurons whose
    float64 (int64) evaluation on the data is provably exact (``verify``'s certificate says so);
    ``construction="dyadic"`` asks for that construction without a target arithmetic.
    Raises ``DataError`` (data), ``CapacityError`` (too few neurons for N) or ``ArgumentError``
    (other arguments).
    """
    return _build(as_dataset(X, Y), a1, a2, method=method, seed=seed, progress=progress,
                  construction=construction, exact_in=exact_in)


def build_one_layer(X: Dataset | Sequence[Sequence[Any]], Y: Sequence[Any] | None = None, *,
                    seed: int = 0) -> Network:
    """The one-hidden-layer baseline: N - 1 hidden neurons (one for N = 1), any output count."""
    return _build_one_layer(as_dataset(X, Y), seed=seed)


def verify(net: Network, X: Dataset | Sequence[Sequence[Any]], Y: Sequence[Any] | None = None,
           **kw: Any) -> Certificate:
    """Independent exact check of ``net`` on the data; see ``exactnet.verifier.certificate``."""
    return _verify(net, as_dataset(X, Y), **kw)
