"""Float-exact benchmark: dyadic networks certified exact in float64 or int64, against Theorem 3.

Data: the seed's shape (``integer_data(N, 5)``: d = 5, integers in [0, 100)) at N = 1,000 ...
40,000, and scikit-learn's digits (1,797 points, d = 64) with scalar and one-hot labels. Each
row builds with ``exact_in="float64"`` (``int64`` when no float64 network is found), verifies
by the float64 path where its certificate holds and by the exact FLINT path, and runs the
float64 ONNX export in onnxruntime. Each row runs in its own process (honest peak memory).
A second table measures the levers: the narrowest projection row and the pivot unit pair.

    python -m benchmarks.float_exact                  # writes results/float_exact.md
    python -m benchmarks.float_exact --sizes 1000 5000
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from benchmarks.common import markdown, peak_mb, run_row, save
from exactnet.capacity import smallest_two_layer
from exactnet.construct.build import build
from exactnet.construct.dyadic import PROJECTION_DRAWS, build_dyadic
from exactnet.construct.exact_in import span_bound
from exactnet.construct.projection import DRAWS_PER_BOUND, project
from exactnet.data.dataset import Dataset
from exactnet.data.labels import encode
from exactnet.data.synthetic import integer_data
from exactnet.errors import CapacityError
from exactnet.export import onnx as onnx_format
from exactnet.export.dtypes import FLOATS
from exactnet.export.emulate import float_forward
from exactnet.export.rounding import round_network
from exactnet.rational import Q
from exactnet.verifier import verify

SIZES = [1000, 2500, 5000, 10000, 20000, 40000]
SEED = 0


def digits(labels: str) -> Dataset:
    from sklearn.datasets import load_digits

    d = load_digits()
    X = d.data.astype(int).tolist()
    if labels == "scalar":
        return Dataset.from_rows(X, d.target.astype(int).tolist(), source="digits")
    rows, _ = encode(d.target.astype(int).tolist(), "one-hot")
    return Dataset.from_rows(X, rows, source="digits")


def dataset(name: str) -> Dataset:
    if name.startswith("digits-"):
        return digits(name.split("-", 1)[1])
    return integer_data(int(name), 5, SEED)


def row(name: str) -> dict:
    data = dataset(name)
    start = time.perf_counter()
    target = "float64"
    try:
        net = build(data, exact_in="float64", seed=SEED)
    except CapacityError:
        target = "int64"
        net = build(data, exact_in="int64", seed=SEED)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    exact = verify(net, data, engine="flint")
    slow = time.perf_counter() - start
    assert cert.exact and exact.exact and cert.arithmetic == exact.arithmetic
    rounded = round_network(net, FLOATS["float64"])
    got = onnx_format.run(onnx_format.model_bytes(rounded), np.array([[float(v) for v in x] for x in data.X]))
    ort_error = max(abs(Q(float(g)) - y) for row, want in zip(got.tolist(), data.Y) for g, y in zip(row, want))
    t1, t2 = smallest_two_layer(data.n, data.outputs, data.dim)
    a1, a2 = net.widths
    return {
        "data": name, "N": data.n, "outputs": data.outputs, "target": target, "widths": f"{a1} x {a2}",
        "neurons": a1 + a2, "theorem3": t1 + t2, "span": cert.arithmetic.span,
        "binary64": cert.arithmetic.binary64, "int64": cert.arithmetic.int64,
        "largest_bits": net.bit_stats()["largest_bits"], "build_s": built, "verify_path": cert.engine,
        "verify_s": fast, "exact_verify_s": slow,
        "ort_error": float(ort_error), "peak_mb": peak_mb(),
    }


def small_row(name: str, target: str) -> dict:
    """A network exact in float32, float16 or bfloat16 (the bucketed construction), verified,
    exported unrounded and run by onnxruntime (numpy for bfloat16); beside it, the neurons of
    the float64-exact dyadic network on the same data (up to 20,000 points)."""
    data = dataset(name)
    start = time.perf_counter()
    try:
        net = build(data, exact_in=target, seed=SEED)
    except CapacityError as e:
        return {"data": name, "N": data.n, "target": target, "found": False, "why": str(e),
                "build_s": time.perf_counter() - start}
    built = time.perf_counter() - start
    start = time.perf_counter()
    cert = verify(net, data)
    checked = time.perf_counter() - start
    assert cert.exact and cert.arithmetic.holds(target)
    rounded = round_network(net, FLOATS[target])
    X = np.array([[float(v) for v in x] for x in data.X]).astype(FLOATS[target].dtype)
    try:
        got, where = onnx_format.run(onnx_format.model_bytes(rounded), X), "onnxruntime"
    except Exception:  # onnxruntime has no CPU kernel for the type (bfloat16 MatMul): numpy in the type
        got, where = float_forward(rounded.arrays, X, rounded.activations)[0], "numpy"
    error = max(abs(Q(float(g)) - y) for r, want in zip(got.tolist(), data.Y) for g, y in zip(r, want))
    mine = float_forward(rounded.arrays, X, rounded.activations)[0]
    numpy_error = max(abs(Q(float(g)) - y) for r, want in zip(mine.tolist(), data.Y) for g, y in zip(r, want))
    dyadic = None
    if data.n <= 20000:
        dyadic = sum(build(data, exact_in="float64", seed=SEED).widths)
    return {"data": name, "N": data.n, "target": target, "found": True, "depth": len(net.widths),
            "widths": "-".join(map(str, [data.dim, *net.widths, data.outputs])), "neurons": sum(net.widths),
            "dense": sum(r * c + r for r, c in (L.shape for L in net.layers)), "dyadic": dyadic,
            "spans": ", ".join(map(str, cert.arithmetic.spans)), "bucket_size": net.meta.get("bucket_size"),
            "build_s": built, "verify_s": checked, "path": cert.engine, "error": float(error), "run_by": where,
            "numpy_error": float(numpy_error),
            "peak_mb": peak_mb()}


SMALL = [("1000", "float32"), ("10000", "float32"), ("20000", "float32"), ("100000", "float32"),
         ("digits-scalar", "float32"), ("digits-one-hot", "float32"), ("100", "float16"), ("300", "float16"),
         ("1000", "float16"), ("digits-scalar", "float16"), ("10", "bfloat16")]


def small_table(pairs: list[tuple[str, str]]) -> str:
    rows = []
    for name, target in pairs:
        r = run_row("benchmarks.float_exact", ["small", f"{name}:{target}"])
        print(json.dumps(r), file=sys.stderr, flush=True)
        if not r["found"]:
            rows.append([r["data"], f"{r['N']:,}", r["target"], "not found", "", "", "", "", "",
                         r["why"].split("(")[1].split(")")[0] if "(" in r["why"] else r["why"], f"{r['build_s']:.1f}",
                         "", "", ""])
            continue
        ratio = "-" if r["dyadic"] is None else f"{r['neurons']} / {r['dyadic']} = {r['neurons'] / r['dyadic']:.2f}"
        rows.append([r["data"], f"{r['N']:,}", r["target"], r["depth"], r["widths"], r["bucket_size"], ratio,
                     f"{r['dense']:,}", r["spans"], "certified", f"{r['build_s']:.1f}",
                     f"{r['verify_s']:.2f} ({r['path']})",
                     f"{r['error']:g} ({r['run_by']}), {r['numpy_error']:g} (numpy)",
                     f"{r['peak_mb']:.0f}"])
    header = ["data", "N", "exact in", "hidden layers", "widths", "bucket size", "neurons / float64-exact dyadic",
              "dense params", "spans", "certificate", "build s", "verify s (path)", "max error of the export",
              "peak MB"]
    return markdown("Networks exact in float32, float16 and bfloat16 (bucketed construction)", header, rows,
                    SMALL_NOTES)


def lever_row(n: int) -> dict:
    """Spans at the fewest-neuron widths: first injective row vs the narrowest of many, and
    without vs with the pivot pair (one more first-layer neuron)."""
    data = integer_data(n, 5, SEED)
    a1, a2 = 0, 0
    for q in range(1, n + 1):
        s = -(-n // q)
        if a1 == 0 or 2 * s - 1 + q < a1 + a2:
            a1, a2 = 2 * s - 1, q
    out: dict = {"N": n, "widths": f"{a1} x {a2}"}
    for label, proj in (("first", project(data.X, SEED, draws=DRAWS_PER_BOUND)),
                        ("narrowest", project(data.X, SEED, draws=PROJECTION_DRAWS, narrowest=True))):
        out[f"range_{label}"] = proj.range.bit_length()
        for pivot, width in (("no_pivot", a1), ("pivot", a1 + 1)):
            parts = build_dyadic(data, width, a2, seed=SEED, proj=proj)
            out[f"{label}_{pivot}"] = span_bound(parts, data).span
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--row", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", nargs="+", type=int, default=SIZES)
    ap.add_argument("--no-digits", action="store_true")
    ap.add_argument("--small-only", action="store_true",
                    help="only the float32 / float16 / bfloat16 table (results/float_exact_small.md)")
    args = ap.parse_args()
    if args.row:
        kind, name = args.row
        if kind == "small":
            print(json.dumps(small_row(*name.split(":"))))
            return
        print(json.dumps(row(name) if kind == "row" else lever_row(int(name))))
        return
    small = small_table([(n, t) for n, t in SMALL if not (args.no_digits and n.startswith("digits"))])
    print(small)
    print(save("float_exact_small.md", small))
    if args.small_only:
        return
    names = [str(n) for n in args.sizes] + ([] if args.no_digits else ["digits-scalar", "digits-one-hot"])
    rows = []
    for name in names:
        r = run_row("benchmarks.float_exact", ["row", name])
        rows.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
    header = ["data", "N", "M", "exact in", "widths", "neurons (Theorem 3)", "ratio", "span", "largest bits",
              "build s", "verify s (path)", "exact verify s", "onnxruntime float64 max error", "peak MB"]
    table = [[r["data"], f"{r['N']:,}", r["outputs"], r["target"] + (" (certified)" if r[r["target"].replace(
        "float64", "binary64")] else " (NOT certified)"), r["widths"], f"{r['neurons']} ({r['theorem3']})",
        f"{r['neurons'] / r['theorem3']:.2f}", r["span"], r["largest_bits"], f"{r['build_s']:.2f}",
        f"{r['verify_s']:.2f} ({r['verify_path']})", f"{r['exact_verify_s']:.2f}",
        "-" if r["ort_error"] is None else f"{r['ort_error']:.3g}", f"{r['peak_mb']:.0f}"] for r in rows]
    levers = [run_row("benchmarks.float_exact", ["lever", str(n)]) for n in (5000, 10000, 20000)]
    lever_table = [[f"{r['N']:,}", r["widths"], f"{r['range_first']} / {r['range_narrowest']}",
                    r["first_no_pivot"], r["first_pivot"], r["narrowest_no_pivot"], r["narrowest_pivot"]]
                   for r in levers]
    text = markdown("Networks exact in float64 and int64 (dyadic construction)", header, table, NOTES)
    text += "\n" + markdown("Levers: span bound at the fewest-neuron widths", [
        "N", "widths", "range bits (first row / narrowest of 24)", "first, no pivot", "first, pivot (+1 neuron)",
        "narrowest, no pivot", "narrowest, pivot"], lever_table, LEVER_NOTES).split("\n", 2)[2]
    print(text)
    print(save("float_exact.md", text))


NOTES = """Seed shape: d = 5, integers in [0, 100), outputs integers in [0, 100). digits: scikit-learn's
1,797 images (d = 64, pixels 0..16); scalar labels 0..9 or one-hot (10 outputs). "exact in":
the arithmetic asked of `build` (float64 first, int64 when no float64 network exists within
1.6 times the fewest neurons), "certified" when the verifier's certificate holds. Theorem 3:
the fewest neurons of the rational construction for the same N and M. "verify s (path)": the
default verification (float64 BLAS where the binary64 certificate holds, else exact prefix sums);
"exact verify s": the general exact FLINT evaluator. The onnxruntime error is the float64 ONNX
file run by onnxruntime on the data, max over points and outputs."""

SMALL_NOTES = """`build(data, exact_in=FORMAT)`: the bucketed construction (3 or 4 hidden layers: knots of a
coarse projection, exact 0/1 steps and gates, gated local coordinates, zig-zag units shared by
all buckets; one-hot labels add the decode layer of K + 2 ramps), the fewest neurons then dense
parameters found by the search over depth and bucket size. "neurons / float64-exact dyadic": the
hidden neurons against those of `build(data, exact_in="float64")` on the same data (the
two-hidden-layer dyadic construction; not built above 20,000 points). "dense params": every
weight and bias of the dense matrices. "certificate": the verifier's bit-span certificate for the
format holds on the data (every span <= 24 for float32, 11 for float16, 8 for bfloat16, every
number a number of the format). "max error of the export": the unrounded weights exported in
the format and run on the data by onnxruntime (float32, float16) or numpy (bfloat16), max over
points and outputs. "not found": the smallest span the search reached."""

LEVER_NOTES = """The span bound equals the verifier's span on layer 2 (exact by convexity) and bounds layer 3
from above. "first row": the first injective projection row (two draws per bound, as Theorem 3
uses); "narrowest": the smallest range among 24 injective draws at the first bound that gives
one. Pivot: relu(t - p), relu(p - t) with knots left of p read as relu(k - t)."""


if __name__ == "__main__":
    main()
