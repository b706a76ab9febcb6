"""Build and verify in one step: the network is returned only with a certificate that holds."""

from __future__ import annotations

import time
from dataclasses import dataclass

from exactnet.construct.build import build
from exactnet.data.dataset import Dataset
from exactnet.errors import CheckFailed
from exactnet.network import Network
from exactnet.progress import Progress
from exactnet.verifier import Certificate, verify


@dataclass(frozen=True)
class Verified:
    """A built network (its meta data holds the certificate and the seconds each step took) and
    the independent verifier's certificate for it on the data."""

    network: Network
    certificate: Certificate
    build_seconds: float
    verify_seconds: float


def build_verified(data: Dataset, *, a1: int | None = None, a2: int | None = None,
                   method: str = "two-hidden-layer", construction: str | None = None, exact_in: str = "rational",
                   depth: int | None = None, bucket_size: int | None = None, seed: int = 0, jobs: int = 1,
                   build_progress: Progress | None = None,
                   verify_progress: Progress | None = None) -> Verified:
    """``construct.build.build(data, ...)`` checked by the independent verifier
    (``verifier.verify``, ``jobs`` processes): every output exact and the certificate for
    ``exact_in`` holding. Raises ``CheckFailed`` when either does not (a bug, never bad input),
    and what ``build`` raises for bad arguments or data."""
    start = time.perf_counter()
    net = build(data, a1, a2, method=method, seed=seed, progress=build_progress, construction=construction,
                exact_in=exact_in, depth=depth, bucket_size=bucket_size)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data, jobs=jobs, progress=verify_progress)
    checked = time.perf_counter() - start
    if not cert.exact:
        raise CheckFailed(f"verification failed on {cert.failed} point(s)")
    if not cert.arithmetic.holds(exact_in):
        raise CheckFailed(f"the verifier's {exact_in} certificate does not hold ({cert.arithmetic.summary(exact_in)})")
    net = net.with_meta(verify_seconds=round(checked, 6), certificate=cert.to_json())
    return Verified(net, cert, built, checked)
