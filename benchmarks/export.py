"""Export benchmark: measured max error per dtype and the minimal precision for a tolerance.

Networks: the two-hidden-layer construction at k x k widths (k*k points of the seed's data
shape: ``integer_data(k*k, 5, seed)``) and the one-hidden-layer baseline on the same data.
The error is the target arithmetic's (numpy in the float type; the fixed-point emulation that
the C export follows bit for bit), max over the data, exact.

    python -m benchmarks.export                 # k = 3, 10, 20, 50; writes results/export.md
    python -m benchmarks.export --k 3 10        # chosen sizes
    python -m benchmarks.export --baseline-max-k 50   # the baseline at k = 50 too (slow)
"""

from __future__ import annotations

import argparse
import math
import time

from benchmarks.common import markdown, save
from exactnet.construct.one_layer import build_one_layer
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.synthetic import integer_data
from exactnet.export import ExportError, measure, min_precision, parse_dtype

SEED = 0
TOLERANCE = 1e-6
DTYPES = ["float64", "float32", "float16", "bfloat16", "fixed:auto32", "fixed:auto64"]


def _num(x: object) -> str:
    if x == math.inf:
        return "overflow"
    return f"{float(x):.3g}"


def row(method: str, k: int) -> list[str]:
    data = integer_data(k * k, 5, SEED)
    net = build_two_layer(data, seed=SEED) if method == "two-hidden-layer" else build_one_layer(data, seed=SEED)
    cells = [method, f"{k} x {k}" if method == "two-hidden-layer" else str(net.widths[0]), str(data.n)]
    for name in DTYPES:
        try:
            report, _ = measure(net, parse_dtype(name), data, with_bound=False)
        except ExportError:
            cells.append("does not fit")
            continue
        cell = _num(report.max_error)
        if report.fixed is not None:
            cell += f" (Q{report.fixed.int_bits}.{report.fixed.frac_bits})"
        cells.append(cell)
    p = min_precision(net, data, TOLERANCE)
    cells.append("-" if p.float_bits is None else f"{p.float_bits}" + ("" if p.float64_enough else
                                                                        f" (+{p.float_bits - 53})"))
    cells.append("-" if p.fixed is None else f"Q{p.fixed.int_bits}.{p.fixed.frac_bits}")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, nargs="+", default=[3, 10, 20, 50])
    parser.add_argument("--baseline-max-k", type=int, default=20,
                        help="largest k for the one-hidden-layer baseline (its N - 1 neurons make the"
                             " emulations cost O(N^2) per pass: k = 50 takes well over 10 minutes)")
    args = parser.parse_args()
    header = ["network", "hidden", "points", *DTYPES, "min float bits", "min fixed"]
    rows = []
    for method in ("two-hidden-layer", "one-hidden-layer"):
        for k in args.k:
            if method == "one-hidden-layer" and k > args.baseline_max_k:
                continue
            start = time.perf_counter()
            rows.append(row(method, k))
            print(" | ".join(rows[-1]), f"({time.perf_counter() - start:.1f} s)", flush=True)
    notes = (f"Seed {SEED}; inputs and outputs integers in [0, 100), d = 5. Cells: max |output - target| over"
             f" the data in that arithmetic (\"overflow\": a weight or value left the type's range;"
             f" \"does not fit\": a weight needs more integer bits than the fixed format has). fixed:autoB"
             f" shows the Qm.n chosen. Minimal precision for max error <= {TOLERANCE:g}: float significand"
             " bits (float64 has 53; +n: bits beyond float64) emulated with MPFR, and the fixed-point format"
             " with the fewest fraction bits.")
    path = save("export.md", markdown("Export: measured error per dtype and minimal precision", header, rows, notes))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
