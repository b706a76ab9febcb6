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

from exactnet.construct.build import build as _build
from exactnet.data.dataset import Dataset
from exactnet.data.labels import encode as encode_labels
from exactnet.data.labels import read_labelled
from exactnet.data.readers import read as read_data
from exactnet.errors import CheckFailed, DataError, ExactnetError
from exactnet.export import ExportReport, export_network, min_precision
from exactnet.network import Layer, Network
from exactnet.progress import Progress
from exactnet.rational import Q
from exactnet.verified import Verified
from exactnet.verified import build_verified as _build_verified
from exactnet.verifier import Certificate, OutputRange, output_range
from exactnet.verifier import verify as _verify

__all__ = [
    "Certificate", "CheckFailed", "Dataset", "ExactnetError", "ExportReport", "Layer", "Network", "OutputRange", "Q",
    "Verified", "as_dataset", "build", "build_verified", "encode_labels", "export_network", "min_precision",
    "output_range", "read_data", "read_labelled", "verify",
]
__version__ = "0.1.0"


Rows = Sequence[Sequence[Any]]


def as_dataset(X: Dataset | Rows, Y: Sequence[Any] | None = None) -> Dataset:
    """``X`` if it is a ``Dataset``, else ``Dataset.from_rows(X, Y)`` (validated, exact)."""
    if isinstance(X, Dataset):
        return X
    if Y is None:
        raise DataError("outputs Y are required when X is not a Dataset")
    return Dataset.from_rows(X, Y)


def build(X: Dataset | Rows, Y: Sequence[Any] | None = None, *,
          a1: int | None = None, a2: int | None = None, method: str = "two-hidden-layer", seed: int = 0,
          progress: Progress | None = None, construction: str | None = None, exact_in: str = "rational",
          depth: int | None = None, bucket_size: int | None = None) -> Network:
    """A ReLU network that returns every output exactly.

    ``X``: N inputs (rows of numbers: int, Fraction, mpq, exact strings, floats taken at their
    exact binary value) or a ``Dataset``; ``Y``: N outputs, scalars or rows of m numbers.
    ``method="two-hidden-layer"``: widths exactly (a1, a2), for N <= a1*(a2 div m) + (a2 mod m)
    (Inoue's Theorems 3 and 4); missing widths: fewest neurons, then fewest parameters
    (``smallest_two_layer``). ``method="one-hidden-layer"``: the N - 1 neuron baseline.
    ``exact_in="float64"`` (or "int64"): the dyadic construction with the fewest neurons whose
    float64 (int64) evaluation on the data is provably exact (``verify``'s certificate says so);
    ``construction="dyadic"`` asks for that construction without a target arithmetic.
    ``exact_in="float32"`` (or "float16", "bfloat16"): the bucketed construction, 3 or 4 hidden
    layers whose every pre-activation is small, with the fewest neurons found whose evaluation
    in that format is provably exact; ``depth`` (3 or 4) and ``bucket_size`` fix its knobs.
    Raises ``DataError`` (data), ``CapacityError`` (too few neurons for N) or ``ArgumentError``
    (other arguments).
    """
    return _build(as_dataset(X, Y), a1, a2, method=method, seed=seed, progress=progress,
                  construction=construction, exact_in=exact_in, depth=depth, bucket_size=bucket_size)


def build_verified(X: Dataset | Rows, Y: Sequence[Any] | None = None, *, a1: int | None = None,
                   a2: int | None = None, method: str = "two-hidden-layer", construction: str | None = None,
                   exact_in: str = "rational", depth: int | None = None, bucket_size: int | None = None,
                   seed: int = 0, jobs: int = 1, build_progress: Progress | None = None,
                   verify_progress: Progress | None = None) -> Verified:
    """``build`` checked by the independent verifier: the network (its meta data holding the
    certificate) and the certificate, or ``CheckFailed`` when an output is not exact or the
    ``exact_in`` certificate does not hold. Arguments as in ``build``."""
    return _build_verified(as_dataset(X, Y), a1=a1, a2=a2, method=method, construction=construction,
                           exact_in=exact_in, depth=depth, bucket_size=bucket_size, seed=seed, jobs=jobs,
                           build_progress=build_progress,
                           verify_progress=verify_progress)


def verify(net: Network, X: Dataset | Rows, Y: Sequence[Any] | None = None, *, engine: str | None = None,
           keep: int = 10, progress: Progress | None = None, jobs: int = 1, client: Any = None) -> Certificate:
    """Independent exact check of ``net`` on the data (``exactnet.verifier.verify``): every
    point evaluated exactly, failures counted and the first ``keep`` listed, the arithmetics the
    network is exact in (``Certificate.arithmetic.holds``). ``engine`` forces a path, ``jobs``
    spreads blocks over processes, ``client`` over a dask cluster; the certificate is the same."""
    return _verify(net, as_dataset(X, Y), engine=engine, keep=keep, progress=progress, jobs=jobs, client=client)
