"""Scale: build and exact verification time, peak memory and parameter bits as N grows.

Three tables. Theorem 3 (fewest neurons, weights of thousands of bits): the seed's data shape
(``integer_data(k*k, 5, seed)``, widths k x k) for growing k, plus 2,000 points in d = 784 with
integer inputs in [0, 255] (MNIST-like width), ending with a least-squares fit of log(largest
bits) against log(N): the growth exponent. The dyadic construction (weights of a few dozen
bits) up to 10^6 points, seed-shaped and in d = 784: build time, verify time by the path the
verifier picks and by the plain integer path, spans, peak memory. Verification of one network on
a dask LocalCluster of two workers against ``--jobs 2`` and one process.

Every row runs in a fresh child process, so "peak MB" is that process's maximum resident set
size (it counts GMP and FLINT memory, which tracemalloc would miss).

    python -m benchmarks.scale                 # every table, about 20 minutes on 2 cores
    python -m benchmarks.scale --ks 8 16 32 --dyadic 10000 --dyadic-784 10000 --dask 0   # quick
    python -m benchmarks.scale --jobs 2        # also time Theorem 3 verification with 2 processes

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
DYADIC_SIZES = (10_000, 100_000, 1_000_000)
DYADIC_784_SIZES = (100_000, 1_000_000)
INTEGER_LIMIT = 200_000  # the plain integer path (O(N a1 a2)) is timed up to this many points
DASK_POINTS = 100_000


def row(k: int, n: int, dim: int, high: int, seed: int, jobs: int, flint_max: int = 0) -> dict:
    """One measurement (run in a fresh process by ``run_row``); k = 0 lets the builder choose
    the widths. The default verify path, and the general FLINT path too when n <= flint_max."""
    from exactnet.construct.theorem3 import build_two_layer
    from exactnet.data.synthetic import integer_data
    from exactnet.verifier import verify

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


def dyadic_row(n: int, dim: int, high: int, seed: int) -> dict:
    """The dyadic construction with the fewest neurons on ``n`` points in [0, high)^dim, and its
    verification by the path the verifier picks (and by the integer path up to INTEGER_LIMIT)."""
    from exactnet.construct.exact_in import build_exact_in
    from exactnet.data.synthetic import integer_array_data, integer_data
    from exactnet.verifier import verify

    start = time.perf_counter()
    data = integer_data(n, dim, seed, 0, high) if dim == 5 else integer_array_data(n, dim, seed, 0, high)
    made = time.perf_counter() - start
    start = time.perf_counter()
    net = build_exact_in(data, "rational", seed=seed)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    checked = time.perf_counter() - start
    plain = None
    if n <= INTEGER_LIMIT:
        start = time.perf_counter()
        other = verify(net, data, engine="integer")
        plain = time.perf_counter() - start
        if (other.exact, other.arithmetic) != (cert.exact, cert.arithmetic):
            raise RuntimeError("the integer path's certificate differs")
    return {"N": n, "d": dim, "widths": net.widths, "data_s": made, "build_s": built, "verify_s": checked,
            "path": cert.engine, "integer_s": plain, "exact": cert.exact, "spans": list(cert.arithmetic.spans),
            "binary64": cert.arithmetic.binary64, "int64": cert.arithmetic.int64,
            "largest_bits": net.bit_stats()["largest_bits"], "projection_bits": net.meta["projection"]["bits"],
            "peak_mb": peak_mb()}


def dask_row(n: int, seed: int) -> dict:
    """One dyadic network on ``n`` seed points verified in one process, with ``jobs=2`` and as
    tasks on a LocalCluster of two worker processes; the three certificates must agree."""
    from distributed import Client, LocalCluster

    from exactnet.construct.exact_in import build_exact_in
    from exactnet.data.synthetic import integer_data
    from exactnet.verifier import verify

    data = integer_data(n, 5, seed)
    net = build_exact_in(data, "rational", seed=seed)
    times, certs = {}, {}
    for name, kwargs in (("local", {}), ("jobs2", {"jobs": 2})):
        start = time.perf_counter()
        certs[name] = verify(net, data, **kwargs)
        times[name] = time.perf_counter() - start
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        certs["dask"] = verify(net, data, client=client)
        times["dask"] = time.perf_counter() - start
    if len({(c.exact, c.arithmetic, c.engine, c.data_sha256) for c in certs.values()}) != 1:
        raise RuntimeError("certificates differ between local, jobs 2 and dask")
    return {"N": n, "path": certs["local"].engine, **times}


def measure(k: int, n: int, dim: int, high: int, seed: int, jobs: int, flint_max: int) -> dict:
    """``row`` in a fresh Python process (honest peak memory)."""
    return run_row("benchmarks.scale", [json.dumps(["theorem3", k, n, dim, high, seed, jobs, flint_max])])


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
    ap.add_argument("--dyadic", type=int, nargs="*", default=list(DYADIC_SIZES),
                    help="N for the dyadic rows, seed shape (d = 5)")
    ap.add_argument("--dyadic-784", type=int, nargs="*", default=list(DYADIC_784_SIZES),
                    help="N for the dyadic rows in d = 784, inputs in [0, 256)")
    ap.add_argument("--dask", type=int, default=DASK_POINTS, help="points for the dask row (0: skip)")
    ap.add_argument("--output", type=Path, default=RESULTS / "scale.md")
    ap.add_argument("--row", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.row is not None:
        kind, *rest = json.loads(args.row)
        print(json.dumps({"theorem3": row, "dyadic": dyadic_row, "dask": dask_row}[kind](*rest)))
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
    text += dyadic_tables(args)
    text.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(text) + "\n")
    print("\n".join(text))


def dyadic_tables(args: argparse.Namespace) -> list[str]:
    """The dyadic rows and the dask row, measured and as markdown lines."""
    rows = []
    for dim, high, sizes in ((5, 100, args.dyadic), (784, 256, args.dyadic_784)):
        for n in sizes:
            r = run_row("benchmarks.scale", [json.dumps(["dyadic", n, dim, high, args.seed])])
            print(f"dyadic N={n} d={dim}: {r}", file=sys.stderr, flush=True)
            also = "float64, int64" if r["binary64"] else ("int64" if r["int64"] else "-")
            rows.append([f"{n:,}", str(dim), "{} x {}".format(*r["widths"]), f"{r['data_s']:.1f}",
                         f"{r['build_s']:.1f}", f"{r['verify_s']:.1f} ({r['path']})",
                         "-" if r["integer_s"] is None else f"{r['integer_s']:.1f}",
                         "exact" if r["exact"] else "NOT exact", ", ".join(map(str, r["spans"])), also,
                         str(r["largest_bits"]), str(r["projection_bits"]), f"{r['peak_mb']:,.0f}"])
    text = []
    if rows:
        text += [
            "## The dyadic construction up to 10^6 points",
            "",
            "Data: `integer_data(N, 5, seed)` (seed shape, inputs and outputs in [0, 100)) and "
            "`integer_array_data(N, 784, seed)` (uint8 inputs and outputs in [0, 256)); the fewest "
            "neurons the dyadic construction needs (`exactnet build --construction dyadic`). Data "
            "generation is not part of build time. Verify: the path the verifier picks (float64 where "
            "the binary64 certificate holds, else prefix sums when every first-layer row is a multiple "
            f"of one row) and the plain integer path (O(N a1 a2)) up to {INTEGER_LIMIT:,} points. "
            "Spans above 63: exact in rationals only, verified exactly all the same. Peak MB: data, "
            "build and both verifications in one process.",
            "",
            table(["N", "d", "widths", "data s", "build s", "verify s (path)", "integer path s", "verdict",
                   "spans", "also exact in", "largest bits", "projection bits", "peak MB"], rows).rstrip("\n"),
            "",
        ]
    if args.dask:
        r = run_row("benchmarks.scale", [json.dumps(["dask", args.dask, args.seed])])
        print(f"dask: {r}", file=sys.stderr, flush=True)
        text += [
            "## Verification on a dask cluster",
            "",
            "One dyadic network, verified in one process, by `--jobs 2` (two local worker processes) "
            "and as tasks on a dask `LocalCluster` of two worker processes (blocks of 4,096 points, at "
            "most two per worker in flight); the three certificates are the same (checked). On this "
            "2-core machine the dask column measures the cost of tasks (sending blocks, scheduling) "
            "against `--jobs 2`, not a gain from more machines.",
            "",
            table(["N", "path", "one process s", "--jobs 2 s", "dask, 2 workers s", "dask / --jobs 2"],
                  [[f"{r['N']:,}", r["path"], f"{r['local']:.1f}", f"{r['jobs2']:.1f}", f"{r['dask']:.1f}",
                    f"{r['dask'] / r['jobs2']:.2f}"]]).rstrip("\n"),
            "",
        ]
    return text


if __name__ == "__main__":
    main()
