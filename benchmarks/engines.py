"""Inference engines against certified networks: ``python -m benchmarks.engines``.

Writes benchmarks/results/engines.md: every installed engine of ``exactnet.engines`` on four
networks (digits exact in float64, 10,000 seed-shaped points exact in float32, digits exact in
float16, and the control: a float64-only network run in float32), exact or not, points wrong,
worst error, seconds per 10,000 points. Every finding (an engine not exact although the
certificate requires it) keeps its files and a one-line reproduction in
benchmarks/results/engine_findings/NAME/. Needs pip install ".[engines,bench]".
"""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np

import exactnet
from benchmarks.common import RESULTS, markdown, save
from exactnet import engines
from exactnet.data.dataset import Dataset
from exactnet.data.labels import encode
from exactnet.data.synthetic import integer_data

FINDINGS = RESULTS / "engine_findings"


def digits(labels: str) -> Dataset:
    from sklearn.datasets import load_digits

    d = load_digits()
    X = d.data.astype(np.int64)
    if labels == "scalar":
        return Dataset.from_arrays(X, d.target.astype(int)[:, None].tolist(), source="digits")
    rows, _ = encode(d.target.astype(int).tolist(), "one-hot")
    return Dataset.from_arrays(X, rows, source="digits")


CASES = (  # name, data, exact_in of the build, dtype the engines run
    ("digits-one-hot, exact in float64", lambda: digits("one-hot"), "float64", "float64"),
    ("seed 10,000, exact in float32", lambda: integer_data(10000, 5, 0), "float32", "float32"),
    ("digits-scalar, exact in float16", lambda: digits("scalar"), "float16", "float16"),
    ("control: digits-one-hot exact in float64 only, run in float32", lambda: digits("one-hot"), "float64",
     "float32"),
)


def keep_finding(slug: str, net: exactnet.Network, data: Dataset, dtype: str, engine: str) -> str:
    """The network and data of a finding (one folder per network and dtype), and a line per engine
    with the command that reproduces it."""
    folder = FINDINGS / f"{slug}-{dtype}"
    readme = folder / "README.md"
    if not folder.exists():
        folder.mkdir(parents=True)
        net.save(folder / "network.json")
        X = np.array([[int(v) for v in x] for x in data.X], dtype=np.int64)
        Y = np.array([[int(v) for v in y] for y in data.Y], dtype=np.int64)
        np.savez(folder / "data.npz", X=X, Y=Y)
        readme.write_text(f"# Engines not exact on a network certified exact in {dtype}\n\n"
                          "Reproduce in this folder (exit 1):\n\n")
    command = f"exactnet engines network.json data.npz --dtype {dtype} --engine {engine}"
    readme.write_text(readme.read_text() + f"    {command}\n")
    return str(folder.relative_to(RESULTS.parent.parent))


def main() -> None:
    rows, found = [], []
    if FINDINGS.exists():
        shutil.rmtree(FINDINGS)  # this run's findings only
    for title, make, exact_in, dtype in CASES:
        data = make()
        net = exactnet.build(data, exact_in=exact_in)
        slug = title.split(",")[0].replace(" ", "-").replace(":", "")
        for r in engines.run(net, data, dtype):
            print(json.dumps({"network": title, **r.to_json()}), file=sys.stderr, flush=True)
            per = "-" if r.seconds is None else f"{r.seconds * 10000 / data.n:.2f}"
            worst = "-" if r.status not in ("exact", "not exact") else (
                "inf/nan" if r.worst is None else f"{float(r.worst):.4g}")
            where = ""
            if r.finding:
                where = keep_finding(slug, net, data, dtype, r.engine)
                found.append(f"{where} ({r.engine})")
            rows.append([title, dtype, "required" if r.required else "measured", r.engine, r.version or "-",
                         r.status, f"{r.wrong:,}" if r.status in ("exact", "not exact") else "-", worst, per,
                         where or "-"])
    header = ["network", "dtype", "exactness", "engine", "version", "result", "points wrong", "worst error",
              "s per 10^4 points", "finding kept in"]
    text = markdown("Inference engines on networks with exact answers", header, rows, NOTES)
    print(text)
    print(save("engines.md", text))
    if found:
        print("findings: " + ", ".join(found))


NOTES = """`python -m benchmarks.engines`. Each engine runs the network's ONNX export (weights unrounded
in the dtype; a dtype that would round a weight is refused) on all the data in its own process
(the time includes starting the process and loading the engine, about 1.5 s). "required": the
verifier's certificate for the dtype holds on the data, so the exact output is what any
IEEE-conformant engine must return in any summation order: a difference is a finding, kept with
its files under engine_findings/. "measured": no certificate (the control), the error is what
float rounding does to this network. OpenVINO's CPU plugin computes a float64 model in f32 (and
by default in bf16 on processors with bf16 units); tract and onnxruntime run float64 as float64.
No GPU was at hand for this table (PyTorch CUDA rows: not measured)."""


if __name__ == "__main__":
    main()
