"""Construction benchmark on the seed's data shape: k x k widths, k*k points, d = 5, integer
inputs and outputs in [0, 100), fixed seed. Each row runs in a fresh process.

    python -m benchmarks.construct            # k = 8, 16, 32, 64, 100; writes results/construct.md
    python -m benchmarks.construct --k 8 16   # chosen sizes

A second table compares, on one-hot labels (10 classes, inputs in [0, 256)^d), the
two-hidden-layer construction (Theorem 4, default widths) with the one-hidden-layer baseline
at the same N, and the baseline on the scalar data of the k x k table.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.common import markdown, peak_mb, run_row, save

SEED = 1
HEADER = ["k x k", "points", "build s", "verify s", "peak MB", "largest bits", "total bits", "projection bits"]
CLASSES = 10
# (method, points, dimension, outputs): outputs 10 is one-hot labels, 1 the k x k table's data
COMPARED = [("two-hidden-layer", 1024, 5, 1), ("one-hidden-layer", 1024, 5, 1),
            ("two-hidden-layer", 1024, 5, CLASSES), ("one-hidden-layer", 1024, 5, CLASSES),
            ("two-hidden-layer", 2000, 64, CLASSES), ("one-hidden-layer", 2000, 64, CLASSES)]
COMPARED_HEADER = ["method", "data", "points", "outputs", "widths", "neurons", "parameters", "build s", "verify s",
                   "peak MB", "largest bits", "total bits"]


def row(k: int) -> dict:
    from exactnet.construct.theorem3 import build_two_layer
    from exactnet.data.synthetic import integer_data
    from exactnet.verifier import verify

    data = integer_data(k * k, 5, SEED)
    start = time.perf_counter()
    net = build_two_layer(data, k, k, seed=SEED)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    checked = time.perf_counter() - start
    assert cert.exact, f"{k} x {k} did not verify"
    stats = net.bit_stats()
    return {
        "k": k, "points": data.n, "build": built, "verify": checked, "peak_mb": peak_mb(),
        "largest": stats["largest_bits"], "total": stats["total_bits"], "projection": net.meta["projection"]["bits"],
    }


def compared_row(method: str, n: int, dim: int, outputs: int) -> dict:
    """One row of the second table: build by ``method``, verify, measure."""
    import random

    import exactnet
    from exactnet.data.synthetic import integer_data

    if outputs == 1:
        data = integer_data(n, dim, SEED)
    else:
        raw = integer_data(n, dim, SEED, high=256)
        rng = random.Random(SEED)
        Y, _ = exactnet.encode_labels([rng.randrange(outputs) for _ in raw.X], "one-hot")
        data = exactnet.Dataset.from_rows(raw.X, Y)
    start = time.perf_counter()
    net = exactnet.build(data, method=method, seed=SEED)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = exactnet.verify(net, data)
    checked = time.perf_counter() - start
    assert cert.exact, f"{method} on {n} points did not verify"
    stats = net.bit_stats()
    return {
        "widths": net.widths, "parameters": net.parameter_count(), "build": built, "verify": checked,
        "peak_mb": peak_mb(), "largest": stats["largest_bits"], "total": stats["total_bits"],
    }


def compared_table() -> str:
    rows = []
    for method, n, dim, outputs in COMPARED:
        r = run_row("benchmarks.construct", [method, str(n), str(dim), str(outputs)])
        data = f"d = {dim}, " + ("one-hot" if outputs > 1 else "integers in [0, 100)")
        widths = " x ".join(f"{w:,}" for w in r["widths"])
        rows.append([method, data, f"{n:,}", outputs, widths, f"{sum(r['widths']):,}", f"{r['parameters']:,}",
                     f"{r['build']:.3f}", f"{r['verify']:.3f}", f"{r['peak_mb']:.0f}", f"{r['largest']:,}",
                     f"{r['total']:,}"])
        print(" | ".join(str(c) for c in rows[-1]), flush=True)
    return markdown(
        "Several outputs (Theorem 4) and the one-hidden-layer baseline", COMPARED_HEADER, rows,
        f"One-hot rows: {CLASSES} classes drawn uniformly, inputs in [0, 256)^d. Two hidden layers use the "
        "default widths (fewest neurons, then fewest parameters, with capacity a1*(a2 div m) + (a2 mod m) >= N); "
        "the baseline uses N - 1 neurons. 'build s' is the exact construction, 'verify s' the independent exact "
        "verification.",
    ).split("\n", 4)[4]  # without the title and machine lines, which the first table already has


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, nargs="*", default=[8, 16, 32, 64, 100])
    parser.add_argument("--row", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--no-compared", action="store_true", help="Skip the multi-output / one-layer table.")
    args = parser.parse_args()
    if args.row is not None:
        if len(args.row) == 1:
            print(json.dumps(row(int(args.row[0]))))
        else:
            method, n, dim, outputs = args.row
            print(json.dumps(compared_row(method, int(n), int(dim), int(outputs))))
        return
    rows = []
    for k in args.k:
        r = run_row("benchmarks.construct", [str(k)])
        rows.append([f"{k} x {k}", f"{r['points']:,}", f"{r['build']:.3f}", f"{r['verify']:.3f}", f"{r['peak_mb']:.0f}",
                     f"{r['largest']:,}", f"{r['total']:,}", r["projection"]])
        print(" | ".join(str(c) for c in rows[-1]), flush=True)
    text = markdown(
        "Two-hidden-layer construction, seed's data shape (d = 5, integers in [0, 100))", HEADER, rows,
        "Bits of a rational p/q: bit length of |p| plus bit length of q. Verification is the independent "
        "exact verifier (exactnet.verify). Command: `python -m benchmarks.construct`.",
    )
    if not args.no_compared:
        text += "\n## Several outputs (Theorem 4) and the one-hidden-layer baseline\n\n" + compared_table()
    print(f"saved {save('construct.md', text)}")


if __name__ == "__main__":
    main()
