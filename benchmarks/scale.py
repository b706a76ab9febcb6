"""Scale: build and exact verification time, peak memory and parameter bits as N grows.

Rows are the seed's data shape (``integer_data(k*k, 5, seed)``, widths k x k) for growing k,
plus 2,000 points in d = 784 with integer inputs in [0, 255] (MNIST-like width). Every row runs
in a fresh child process, so "peak MB" is that process's maximum resident set size (it counts
GMP and FLINT memory, which tracemalloc would miss). The table ends with a least-squares fit
of log(largest bits) against log(N) over the k x k rows: the growth exponent.

    python -m benchmarks.scale                 # default rows, about 10 minutes on 2 cores
    python -m benchmarks.scale --ks 8 16 32    # a quick run
    python -m benchmarks.scale --jobs 2        # also time verification with 2 worker processes

Writes benchmarks/results/scale.md and prints it. Timings are wall clock seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

from benchmarks.common import RESULTS, peak_mb, run_row, table

DEFAULT_KS = (8, 16, 32, 64, 100, 141, 200)


def row(k: int, n: int, dim: int, high: int, seed: int, jobs: int, flint_max: int = 0) -> dict:
    """One measurement (run in a fresh process by ``run_row``); k = 0 lets the builder choose
    the widths. The default verify path, and the general FLINT path too when n <= flint_max."""
    from exactnet.construct.theorem3 import build_two_layer
    from exactnet.synthetic import integer_data
    from exactnet.verify import verify

    data = integer_data(n, dim, seed, 0, high)
    start = time.perf_counter()
    net = build_two_layer(data, k or None, k or None, seed=seed)
    build = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    check = time.perf_counter() - start
    result = {"widths": net.widths, "build": build, "verify": check, "exact": cert.exact, **net.bit_stats(),
              "projection_bits": net.meta["projection"]["bits"], "path": cert.engine}
    if n <= flint_max:
        start = time.perf_counter()
        general = verify(net, data, engine="flint")
        result["flint"] = time.perf_counter() - start
        result["same_certificate"] = (general.exact, general.max_error) == (cert.exact, cert.max_error)
    if jobs > 1:
        start = time.perf_counter()
        again = verify(net, data, jobs=jobs)
        result["verify_jobs"] = time.perf_counter() - start
        result["same_certificate"] = result.get("same_certificate", True) and again == cert
    result["peak_mb"] = peak_mb()
    return result


def measure(k: int, n: int, dim: int, high: int, seed: int, jobs: int, flint_max: int) -> dict:
    """``row`` in a fresh Python process (honest peak memory)."""
    return run_row("benchmarks.scale", [json.dumps([k, n, dim, high, seed, jobs, flint_max])])


def fit_exponent(points: list[tuple[int, int]]) -> float:
    """Least-squares slope of log(bits) against log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(b) for _, b in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ks", type=int, nargs="*", default=list(DEFAULT_KS), help="widths k for the k x k rows")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="also time verification with this many processes")
    ap.add_argument("--no-mnist", action="store_true", help="skip the d = 784 row")
    ap.add_argument("--flint-max", type=int, default=20_000, help="also time the general FLINT path up to this N")
    ap.add_argument("--output", type=Path, default=RESULTS / "scale.md")
    ap.add_argument("--row", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.row is not None:
        print(json.dumps(row(*json.loads(args.row))))
        return

    started = time.perf_counter()
    rows = []
    for k in args.ks:
        r = measure(k, k * k, 5, 100, args.seed, args.jobs, args.flint_max)
        rows.append((f"{k} x {k}", k * k, 5, r))
        print(f"k={k}: {r}", file=sys.stderr, flush=True)
    if not args.no_mnist:
        r = measure(0, 2000, 784, 256, args.seed, args.jobs, args.flint_max)
        rows.append(("{} x {} (d = 784)".format(*r["widths"]), 2000, 784, r))
        print(f"d=784: {r}", file=sys.stderr, flush=True)

    jobs_col = args.jobs > 1
    head = ["widths", "N", "d", "build s", "verify s (path)", "general FLINT path s"]
    head += [f"verify s, {args.jobs} jobs"] if jobs_col else []
    head += ["peak MB", "largest bits", "total bits", "largest / (sqrt(N) log2 N)", "projection bits", "exact"]
    cells_per_row = []
    for name, n, d, r in rows:
        same = "" if r.get("same_certificate", True) else " (certificate differs!)"
        cells = [name, f"{n:,}", str(d), f"{r['build']:.2f}", f"{r['verify']:.2f} ({r['path']})",
                 (f"{r['flint']:.2f}" if "flint" in r else "-") + same]
        if jobs_col:
            cells.append(f"{r['verify_jobs']:.2f}")
        cells += [f"{r['peak_mb']:,.0f}", f"{r['largest_bits']:,}", f"{r['total_bits']:,}",
                  f"{r['largest_bits'] / (math.sqrt(n) * math.log2(n)):.2f}", str(r["projection_bits"]),
                  "yes" if r["exact"] else "NO"]
        cells_per_row.append(cells)
    square = [(n, r["largest_bits"]) for _, n, d, r in rows if d == 5]
    text = [
        "# Scale: exact construction and verification",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"data `integer_data(k*k, 5, {args.seed})` (inputs and outputs in [0, 100)) and 2,000 points in "
        "[0, 256)^784; widths k x k (the d = 784 row: the builder's choice). Wall-clock seconds, each row "
        "in a fresh process; peak MB is that process's maximum resident set size (workers started for "
        "the jobs column not included). The verify path is the default one (piecewise: exact "
        "interpolation of y = F(w . x) between its breakpoints); the general FLINT path is timed "
        "up to --flint-max points. Timings are noisy when other work shares the machine.",
        "",
        table(head, cells_per_row).rstrip("\n"),
        "",
    ]
    if len(square) >= 2:
        e = fit_exponent(square)
        lo, hi = square[0][0], square[-1][0]
        text += [
            f"Growth of the largest parameter: bits ~ N^{e:.3f} (least-squares fit of log bits on log N, "
            f"N = {lo:,} .. {hi:,}); sqrt(N) would be 0.5. The column largest / (sqrt(N) log2 N) shows "
            "what the rest is: each of the a1 ~ sqrt(N) segments multiplies every knot value by a ratio "
            "of distances between integer projections, whose size grows like log N.",
            "",
        ]
    text.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
