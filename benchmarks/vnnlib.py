"""Verification benchmarks with exact answers, and Marabou scored on them.

Benchmarks: scikit-learn's digits (1,797 points, d = 64, one-hot, built exact in float64; local
robustness at each point's critical pair of radii) and seed-shaped data (d = 5, integers in
[0, 100)) at several sizes, radii and margins (thresholds around the exact extremes). Each is
written by ``exactnet.instances`` (the folder ``exactnet vnnlib`` writes), every instance is
given to Marabou (ONNX + VNN-LIB 1.0, read by Marabou itself) in a child process with a time
limit, and ``exactnet score`` semantics count correct / wrong / timeout. Benchmarks where
Marabou answers wrong are kept with Marabou's result files in results/vnnlib_findings/.
A second table times ``output_range`` on 10,000-point networks over a box holding all the data.

    python -m benchmarks.vnnlib                     # writes results/vnnlib.md (needs .[verify,bench])
    python -m benchmarks.vnnlib --timeout 5 --digits-points 25 --sizes 100
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import RESULTS, markdown, save, table
from benchmarks.float_exact import digits
from exactnet.construct.build import build
from exactnet.data.dataset import Dataset
from exactnet.data.synthetic import integer_data
from exactnet.export.onnx import run as run_onnx
from exactnet.instances import marabou
from exactnet.instances.folder import write_benchmark
from exactnet.instances.generate import instances
from exactnet.instances.score import CORRECT, UNKNOWN, WRONG, parse_result, score, write_result
from exactnet.rational import Q
from exactnet.verifier.sweep import output_range

FINDINGS = RESULTS / "vnnlib_findings"


def run_benchmark(name: str, data: Dataset, timeout: float, **kw: object) -> tuple[list, list]:
    start = time.perf_counter()
    net = build(data, None, None, exact_in="float64")
    built = time.perf_counter() - start
    start = time.perf_counter()
    found = instances(net, data, **kw)  # type: ignore[arg-type]
    answered = time.perf_counter() - start
    tmp = Path(tempfile.mkdtemp())
    bm, res = tmp / name, tmp / f"{name}_marabou"
    write_benchmark(bm, net, found, timeout=timeout)
    res.mkdir()
    seconds = []
    for inst in found:
        verdict, x, y, s = marabou.solve(bm / "onnx/network.onnx", bm / f"vnnlib/{inst.name}.vnnlib", timeout)
        write_result(res / f"{inst.name}.txt", verdict, x, y)
        seconds.append(s)
        print(f"  {name} {inst.name}: expected {inst.answer.verdict}, Marabou {verdict} ({s:.1f} s)", flush=True)
    s = score(bm, res)
    wrong = [[name, r.name, r.expected, r.reported, r.detail, _runtime_margin(bm, res, r.name, found)] for r in s.wrong]
    if s.wrong:
        for folder in (bm, res):
            shutil.copytree(folder, FINDINGS / folder.name, dirs_exist_ok=True)
    shutil.rmtree(tmp)
    sat = sum(i.answer.verdict == "sat" for i in found)
    closest = min(abs(i.answer.margin) for i in found)
    row = [name, f"{data.n:,}", data.dim, " x ".join(map(str, net.widths)), f"{len(found)} ({sat} sat)",
           f"{float(closest):.3g}", f"{built:.1f} / {answered:.1f}", s.count(CORRECT), s.count(WRONG),
           s.count(UNKNOWN), f"{sum(seconds):.0f} (median {statistics.median(seconds):.1f})", s.points]
    return row, wrong


def _runtime_margin(bm: Path, res: Path, name: str, found: list) -> str:
    """A third opinion on a wrong answer: the property's margin (>= 0: unsafe) in onnxruntime
    float64 at exactnet's witness (for a sat instance) or at Marabou's X (for an unsat one)."""
    inst = next(i for i in found if i.name == name)
    verdict, x = parse_result(res / f"{name}.txt", len(inst.property.lower))
    point = inst.answer.witness if inst.answer.verdict == "sat" else x
    if not point:
        return "-"
    y = run_onnx(str(bm / "onnx/network.onnx"), np.array([[float(v) for v in point]]))[0].tolist()
    who = "exactnet's witness" if inst.answer.verdict == "sat" else "Marabou's X"
    return f"{float(inst.property.margin([Q(v) for v in y])):.6g} at {who}"


def range_rows() -> list[list[object]]:
    rows = []
    data = integer_data(10_000, 5, 0)
    for label, kw in (("Theorem 3", {}), ("exact in float64", {"exact_in": "float64"})):
        net = build(data, None, None, **kw)  # type: ignore[arg-type]
        start = time.perf_counter()
        r = output_range(net, [0] * 5, [99] * 5)
        b = r.outputs[0]
        seconds = time.perf_counter() - start
        rows.append([label, " x ".join(map(str, net.widths)), f"{net.bit_stats()['largest_bits']:,}", f"{len(r.ts):,}",
                     f"{float(b.min.value):.6g} .. {float(b.max.value):.6g}", f"{seconds:.2f}"])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--digits-points", type=int, default=26)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 5000])
    args = ap.parse_args()
    shutil.rmtree(FINDINGS, ignore_errors=True)
    rows, wrong = [], []
    for name, data, kw in [("digits", digits("one-hot"), {"points": args.digits_points}),
                           *((f"seed{n}", integer_data(n, 5, 0), {"points": 2, "radii": ["0.5", "2"], "gaps": [1]})
                             for n in args.sizes)]:
        row, bad = run_benchmark(name, data, args.timeout, **kw)
        rows.append(row)
        wrong += bad
    if wrong:
        write_findings_readme()
    notes = (f"Marabou {marabou_version()} (maraboupy from the package index), one child process per instance, "
             f"time limit {args.timeout:g} s (killed {marabou.GRACE:g} s after it). Counterexamples are checked in "
             "exact arithmetic on their X; one that misses the unsafe region by at most 1e-6 counts as correct.\n\n"
             "Wrong answers (kept with Marabou's result files in results/vnnlib_findings/; the last column is "
             "a third opinion: the property's margin in onnxruntime float64, >= 0 meaning the point is unsafe):\n\n")
    notes += table(["benchmark", "instance", "expected", "Marabou", "why", "onnxruntime float64 margin"],
                           wrong) if wrong else "none\n"
    text = markdown("VNN-LIB benchmarks with exact answers, scored: Marabou",
                    ["benchmark", "N", "d", "widths", "instances", "smallest |margin|", "build / answers s",
                     "correct", "wrong", "timeout", "Marabou s", "points"], rows, notes)
    text += "\n" + markdown("output_range over a box holding all the data (10,000 seed points)",
                            ["network", "widths", "largest bits", "breakpoints", "y range", "seconds"],
                            range_rows())
    print(text)
    print(f"saved {save('vnnlib.md', text)}")


def write_findings_readme() -> None:
    """How to reproduce the kept findings (the folder is rewritten by each run)."""
    (FINDINGS / "README.md").write_text(
        "# Instances where Marabou answered wrong\n\n"
        "Each NAME/ is a benchmark folder written by `exactnet vnnlib` (onnx/, vnnlib/, expected.csv, ...) and "
        "NAME_marabou/ holds Marabou's result files for it. From the repository root:\n\n"
        "    cd benchmarks/results/vnnlib_findings && exactnet score digits digits_marabou\n"
        "\nlists the wrong answers again (exit 1). To run Marabou on one instance once more:\n\n"
        "    python -c \"from exactnet.instances import marabou; d='digits'; "
        "print(marabou.solve(d + '/onnx/network.onnx', d + '/vnnlib/0003_row69_robust.vnnlib', 10)[0])\"\n\n"
        "expected.csv gives each instance's exact answer with a witness; for a sat instance, the witness run "
        "through onnxruntime (float64) shows the unsafe outputs too.\n")


def marabou_version() -> str:
    from importlib.metadata import version

    return version("maraboupy")


if __name__ == "__main__":
    main()
