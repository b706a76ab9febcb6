"""What exactness in float64 or int64 costs in neurons: Theorem 3 and the dyadic construction
side by side for N points.

Theorem 3 has the fewest neurons, but its weights are rationals of hundreds to thousands of
bits: no float or integer engine runs it exactly. The dyadic construction needs about sqrt(2)
times the neurons and keeps every weight a short integer; its bit span (``exactnet.verifier.span``) says
whether float64 (<= 53) or int64 (<= 63) evaluation is exact. The span depends on the data:
here it is *measured* on synthetic integer data in [0, 100)^dim (the seed's shape) up to
``MEASURE_LIMIT`` points, and *predicted* above that from the largest measured size by the
growth the construction shows (the span grows with twice the bits of the projection's range,
which grows like N^2: about 4 log2 N).
"""

from __future__ import annotations

import math

from exactnet.analysis.bits import two_layer_bits
from exactnet.analysis.plan import nodes_text
from exactnet.analysis.report import Column, Report
from exactnet.capacity import parameter_count, smallest_two_layer, two_layer_capacity
from exactnet.construct.dyadic import PROJECTION_DRAWS, build_dyadic, dyadic_capacity
from exactnet.construct.exact_in import LIMITS, dyadic_widths, span_bound
from exactnet.construct.projection import project
from exactnet.data.synthetic import integer_data
from exactnet.errors import ArgumentError

MEASURE_LIMIT = 20_000
MAX_POINTS = 10**8
COLUMNS = (
    Column("construction", "construction"), Column("nodes", "nodes"), Column("neurons", "neurons"),
    Column("parameters", "params <="), Column("capacity", "capacity"), Column("bits", "largest bits"),
    Column("span", "span"), Column("span_from", "span from"), Column("exact", "exact in"),
)


def measured_dyadic(points: int, outputs: int, dim: int) -> tuple[int, int, int]:
    """(span bound, largest bits, widths' a1) of the dyadic network at the fewest-neuron widths on
    ``integer_data(points, dim, 0, outputs=outputs)``."""
    a1, a2 = dyadic_widths(points, outputs, dim)[0]
    data = integer_data(points, dim, 0, outputs=outputs)
    parts = build_dyadic(data, a1, a2, proj=project(data.X, 0, draws=PROJECTION_DRAWS, narrowest=True))
    bound = span_bound(parts, data)
    return bound.span or 0, parts.network.bit_stats()["largest_bits"], a1


def plan_exact_in(points: int, outputs: int = 1, dim: int = 5, target: str = "float64") -> Report:
    """Rows for Theorem 3 and the dyadic construction at their fewest neurons for ``points``."""
    if target not in LIMITS:
        raise ArgumentError(f"`exact_in` {target!r}: expected float64 or int64")
    for name, value in (("points", points), ("outputs", outputs), ("dim", dim)):
        if value < 1:
            raise ArgumentError(f"{name} must be at least 1, got {value}")
    if points > MAX_POINTS:
        raise ArgumentError(f"points must be at most {MAX_POINTS:,}, got {points:,}")
    if 100**dim < min(points, MEASURE_LIMIT):
        raise ArgumentError(f"[0, 100)^{dim} holds fewer than {points:,} distinct points to measure on")
    t1, t2 = smallest_two_layer(points, outputs, dim)
    theorem3 = {
        "construction": "theorem3", "nodes": nodes_text((t1, t2)), "neurons": t1 + t2,
        "parameters": parameter_count(dim, [t1, t2], outputs), "capacity": two_layer_capacity(t1, t2, outputs),
        "bits": two_layer_bits(points, t1, t2, dim, outputs).bits, "span": None, "span_from": "not dyadic",
        "exact": "rational",
    }
    a1, a2 = dyadic_widths(points, outputs, dim)[0]
    if points <= MEASURE_LIMIT:
        span, bits, _ = measured_dyadic(points, outputs, dim)
        how = "measured"
    else:
        span, bits, _ = measured_dyadic(MEASURE_LIMIT, outputs, dim)
        span += math.ceil(4 * math.log2(points / MEASURE_LIMIT))
        bits += math.ceil(2 * math.log2(points / MEASURE_LIMIT))
        how = f"predicted from {MEASURE_LIMIT:,} points"
    verdicts = [name for name, limit in (("float64", 53), ("int64", 63)) if span <= limit]
    dyadic = {
        "construction": "dyadic", "nodes": nodes_text((a1, a2)), "neurons": a1 + a2,
        "parameters": parameter_count(dim, [a1, a2], outputs), "capacity": dyadic_capacity(a1, a2, outputs),
        "bits": bits, "span": span, "span_from": how, "exact": ", ".join(verdicts + ["rational"]),
    }
    ratio = (a1 + a2) / (t1 + t2)
    reached = target in verdicts
    return Report(
        title=f"{points:,} points exact in {target}: what it costs",
        columns=COLUMNS,
        rows=(theorem3, dyadic),
        caption=(f"span: largest bit span on synthetic integer data in [0, 100)^{dim} with outputs in [0, 100) "
                 f"(exact in float64 when <= 53, int64 when <= 63); largest bits: of any parameter (numerator "
                 "plus denominator); params <=: fully connected count, an upper bound"),
        summary=(("points", points), ("outputs", outputs), ("input dimension", dim),
                 ("neurons for exactness", f"{a1 + a2:,} dyadic against {t1 + t2:,} (Theorem 3): x{ratio:.2f}"),
                 (f"exact in {target}", ("yes" if reached else "no") + f" ({how} span {span})")),
    )
