"""Construction benchmark on the seed's data shape: k x k widths, k*k points, d = 5, integer
inputs and outputs in [0, 100), fixed seed. Each row runs in a fresh process.

    python -m benchmarks.construct            # k = 8, 16, 32, 64, 100; writes results/construct.md
    python -m benchmarks.construct --k 8 16   # chosen sizes
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.common import markdown, peak_mb, run_row, save

SEED = 1
HEADER = ["k x k", "points", "build s", "verify s", "peak MB", "largest bits", "total bits", "projection bits"]


def row(k: int) -> dict:
    from exactnet.construct.build import build_two_layer
    from exactnet.synthetic import integer_data
    from exactnet.verify import verify

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, nargs="*", default=[8, 16, 32, 64, 100])
    parser.add_argument("--row", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row is not None:
        print(json.dumps(row(args.row)))
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
    print(f"saved {save('construct.md', text)}")


if __name__ == "__main__":
    main()
