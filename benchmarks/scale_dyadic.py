"""Scale of the dyadic construction: seed-shaped data (d = 5, integers in [0, 100)) from 10,000
to 1,000,000 points, each row in a fresh process (honest peak memory).

Columns: the widths (fewest neurons for the dyadic capacity), build time, verification time
by the path the verifier picks (float64 where the binary64 certificate holds, else prefix
sums when every first-layer row is a multiple of one row) and, up to ``INTEGER_LIMIT`` points,
by the plain integer path for comparison; the spans and the largest parameter's bits.

    python -m benchmarks.scale_dyadic                    # writes results/scale_dyadic.md
    python -m benchmarks.scale_dyadic --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks.common import ROOT, markdown, peak_mb, run_row, save

SIZES = [10_000, 100_000, 1_000_000]
INTEGER_LIMIT = 200_000


def row(n: int) -> dict:
    from exactnet.construct.exact_in import build_exact_in
    from exactnet.synthetic import integer_data
    from exactnet.verify import verify

    start = time.perf_counter()
    data = integer_data(n, 5, 0)
    made = time.perf_counter() - start
    start = time.perf_counter()
    net = build_exact_in(data, "rational")
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    checked = time.perf_counter() - start
    plain = None
    if n <= INTEGER_LIMIT:
        start = time.perf_counter()
        other = verify(net, data, engine="integer")
        plain = time.perf_counter() - start
        assert other.arithmetic == cert.arithmetic and other.exact == cert.exact
    a1, a2 = net.widths
    return {"N": n, "widths": f"{a1} x {a2}", "data_s": made, "build_s": built, "verify_s": checked,
            "path": cert.engine, "integer_s": plain, "exact": cert.exact, "spans": list(cert.arithmetic.spans),
            "binary64": cert.arithmetic.binary64, "int64": cert.arithmetic.int64,
            "largest_bits": net.bit_stats()["largest_bits"], "peak_mb": peak_mb()}


def dask_row(n: int) -> dict:
    """Verification of ``n`` points locally and as tasks on a LocalCluster of two workers."""
    from distributed import Client, LocalCluster

    from exactnet.construct.exact_in import build_exact_in
    from exactnet.synthetic import integer_data
    from exactnet.verify import verify

    data = integer_data(n, 5, 0)
    net = build_exact_in(data, "rational")
    start = time.perf_counter()
    local = verify(net, data)
    local_s = time.perf_counter() - start
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        remote = verify(net, data, client=client)
        dask_s = time.perf_counter() - start
    assert (remote.exact, remote.arithmetic, remote.engine) == (local.exact, local.arithmetic, local.engine)
    return {"N": n, "path": local.engine, "local_s": local_s, "dask_s": dask_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--row", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--sizes", nargs="+", type=int, default=SIZES)
    ap.add_argument("--dask", type=int, default=100_000, help="points for the LocalCluster row (0: skip)")
    ap.add_argument("--dask-row", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.row:
        print(json.dumps(row(args.row)))
        return
    if args.dask_row:
        print(json.dumps(dask_row(args.dask_row)))
        return
    rows = []
    for n in args.sizes:
        r = run_row("benchmarks.scale_dyadic", [str(n)])
        rows.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
    table = [[f"{r['N']:,}", r["widths"], f"{r['build_s']:.1f}", f"{r['verify_s']:.1f} ({r['path']})",
              "-" if r["integer_s"] is None else f"{r['integer_s']:.1f}", "exact" if r["exact"] else "NOT exact",
              ", ".join(map(str, r["spans"])), "float64" if r["binary64"] else ("int64" if r["int64"] else "-"),
              r["largest_bits"], f"{r['peak_mb']:.0f}"] for r in rows]
    text = markdown("Scale of the dyadic construction (seed shape, d = 5)",
                    ["N", "widths", "build s", "verify s (path)", "integer path s", "verdict", "spans",
                     "also exact in", "largest bits", "peak MB"], table, NOTES)
    if args.dask:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.scale_dyadic", "--dask-row", str(args.dask)],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        d = json.loads(proc.stdout.strip().splitlines()[-1])
        text += "\n" + markdown("Verification on a dask LocalCluster (2 worker processes) against one process",
                                 ["N", "path", "local s", "dask s", "dask / local"],
                                 [[f"{d['N']:,}", d["path"], f"{d['local_s']:.1f}", f"{d['dask_s']:.1f}",
                                   f"{d['dask_s'] / d['local_s']:.2f}"]],
                                 DASK_NOTES).split("\n", 2)[2]
    print(text)
    print(save("scale_dyadic.md", text))


DASK_NOTES = """Same certificate both ways (checked). The cluster runs on this 2-core machine, so the
column measures the overhead of tasks (serialising blocks, scheduling) more than any gain;
`--jobs` does not apply to the dyadic paths, which use numpy's threads."""

NOTES = """Data generation is not counted in build time. "integer path s": the same verification by
plain int64/FLINT matrix products (O(N a1 a2)), skipped above 200,000 points. Spans above 63
mean the network is exact in rationals only; its verification is still exact."""


if __name__ == "__main__":
    main()
