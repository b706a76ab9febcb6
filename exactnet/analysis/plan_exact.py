"""What exactness in float64, int64, float32, float16 or bfloat16 costs in neurons: Theorem 3,
the dyadic construction and the bucketed construction side by side for N points.

Theorem 3 has the fewest neurons, but its weights are rationals of hundreds to thousands of
bits: no float or integer engine runs it exactly. The dyadic construction needs about sqrt(2)
times the neurons and keeps every weight a short integer; its bit span (``exactnet.verifier.span``) says
whether float64 (<= 53) or int64 (<= 63) evaluation is exact. The span depends on the data:
here it is *measured* on synthetic integer data in [0, 100)^dim (the seed's shape) up to
``MEASURE_LIMIT`` points, and *predicted* above that from the largest measured size by the
growth the construction shows (the span grows with twice the bits of the projection's range,
which grows like N^2: about 4 log2 N). The bucketed construction (float32 and narrower) is
built on the same data up to ``BUCKETED_LIMIT`` points; above that its bucket size and spans are
those measured there (nothing in it grows with N once the bucket size is fixed) and its widths
are predicted from the bucket count (about 4 neurons per bucket plus the zig-zag units).
"""

from __future__ import annotations

import math

from exactnet.analysis.bits import two_layer_bits
from exactnet.analysis.plan import nodes_text
from exactnet.analysis.report import Column, Report
from exactnet.capacity import parameter_count, smallest_two_layer, two_layer_capacity
from exactnet.construct.dyadic import PROJECTION_DRAWS, build_dyadic, dyadic_capacity
from exactnet.construct.exact_in import LIMITS, dyadic_widths, span_bound
from exactnet.construct.in_format import build_in_format
from exactnet.construct.projection import project
from exactnet.data.synthetic import integer_data
from exactnet.errors import ArgumentError, CapacityError
from exactnet.verifier.span import limit as span_limit

MEASURE_LIMIT = 20_000
BUCKETED_LIMIT = 20_000
SMALL_FORMATS = ("float32", "float16", "bfloat16")
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
    if target not in (*LIMITS, *SMALL_FORMATS):
        raise ArgumentError(f"`exact_in` {target!r}: expected one of {', '.join((*LIMITS, *SMALL_FORMATS))}")
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
    verdicts = [name for name in ("float32", "float64", "int64") if span <= span_limit(name)]
    dyadic = {
        "construction": "dyadic", "nodes": nodes_text((a1, a2)), "neurons": a1 + a2,
        "parameters": parameter_count(dim, [a1, a2], outputs), "capacity": dyadic_capacity(a1, a2, outputs),
        "bits": bits, "span": span, "span_from": how, "exact": ", ".join(verdicts + ["rational"]),
    }
    rows = [theorem3, dyadic]
    for fmt in dict.fromkeys(("float32", target if target in SMALL_FORMATS else "float32")):
        rows.append(bucketed_row(points, outputs, dim, fmt))
    chosen = next((r for r in rows[1:] if target in r["exact"].split(", ")), dyadic)
    a1, a2 = chosen["neurons"], 0
    span = chosen["span"]
    how = chosen["span_from"]
    verdicts = chosen["exact"].split(", ")
    ratio = (a1 + a2) / (t1 + t2)
    reached = target in verdicts
    return Report(
        title=f"{points:,} points exact in {target}: what it costs",
        columns=COLUMNS,
        rows=tuple(rows),
        caption=(f"span: largest bit span on synthetic integer data in [0, 100)^{dim} with outputs in [0, 100) "
                 "(exact in float64 when <= 53, int64 when <= 63, float32 when <= 24, float16 when <= 11 and every "
                 "number a float16 number); largest bits: of any parameter (numerator "
                 "plus denominator); params <=: fully connected count, an upper bound"),
        summary=(("points", points), ("outputs", outputs), ("input dimension", dim),
                 ("neurons for exactness", f"{a1 + a2:,} {chosen['construction']} against {t1 + t2:,} "
                                           f"(Theorem 3): x{ratio:.2f}"),
                 (f"exact in {target}", ("yes" if reached else "no") + f" ({how} span {span})")),
    )


def bucketed_row(points: int, outputs: int, dim: int, fmt: str) -> dict:
    """The bucketed network for ``fmt`` on ``integer_data`` (built up to ``BUCKETED_LIMIT``
    points, predicted above from the build there)."""
    n = min(points, BUCKETED_LIMIT)
    data = integer_data(n, dim, 0, outputs=outputs)
    row = {"construction": f"bucketed ({fmt})", "capacity": points, "bits": None}
    try:
        net = build_in_format(data, fmt)
    except CapacityError as e:
        return {**row, "nodes": "-", "neurons": 0, "parameters": 0, "span": None,
                "span_from": f"none found at {n:,} points ({str(e).split('(')[1].split(')')[0]})", "exact": "-"}
    widths = list(net.widths)
    spans = [int(v) for v in net.meta["spans"]]
    how = "measured"
    if points > n:
        grow = points / n
        widths = [round(w * grow) if k < len(widths) - (2 if "decode" in net.meta else 1) else w
                  for k, w in enumerate(widths)]
        how = f"predicted from {n:,} points"
    span = max(spans)
    exact = [fmt, "float32"]  # float32 holds every float16 and bfloat16 number of a certified network
    return {**row, "nodes": " + ".join(map(str, widths)), "neurons": sum(widths),
            "parameters": parameter_count(dim, widths, outputs), "bits": net.bit_stats()["largest_bits"],
            "span": span, "span_from": how, "exact": ", ".join([*dict.fromkeys(exact), "float64", "int64"])}
