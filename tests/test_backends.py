"""gmpy2.mpq and fractions.Fraction must build identical networks and certificates, and measure
the same export errors."""

import json
import os
import subprocess
import sys

import exactnet
from exactnet.rational import BACKEND

SCRIPT = r"""
import json, sys
from fractions import Fraction
import exactnet
from exactnet.data.synthetic import integer_data
from exactnet.data.dataset import Dataset
from exactnet.export import measure, parse_dtype
from exactnet.rational import BACKEND
cases = [(integer_data(30, 4, 1), 6, 5), (integer_data(17, 1, 2), 3, 6), (integer_data(40, 3, 3), 5, 8)]
X = [[Fraction(k, 3), Fraction(-k * k, 7)] for k in range(12)]
cases.append((Dataset.from_rows(X, [Fraction(k % 5, 2) for k in range(12)]), 4, 3))
out = []
for data, a1, a2 in cases:
    net = exactnet.build(data, a1=a1, a2=a2, seed=7)
    cert = exactnet.verify(net, data, engine=sys.argv[1])
    export = [str(measure(net, parse_dtype(t), data)[0].max_error) for t in ("float64", "float16", "fixed:Q16.16")]
    out.append({"backend": BACKEND, "layers": net.to_json()["layers"], "cert": cert.to_json(),
                "export": export})
print(json.dumps(out))
"""


def _run(backend: str, engine: str) -> list[dict]:
    env = {**os.environ, "EXACTNET_BACKEND": backend}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, engine], env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def test_fraction_and_gmpy2_backends_build_identical_networks():
    assert BACKEND == "gmpy2"  # the default when gmpy2 is installed
    fast = _run("gmpy2", "flint")
    slow = _run("python", "python")
    assert {r["backend"] for r in fast} == {"gmpy2"} and {r["backend"] for r in slow} == {"python"}
    for a, b in zip(fast, slow, strict=True):
        assert a["layers"] == b["layers"] and a["export"] == b["export"]
        cert_a, cert_b = dict(a["cert"]), dict(b["cert"])
        assert cert_a.pop("engine") == "flint" and cert_b.pop("engine") == "python"
        assert cert_a == cert_b and cert_a["exact"]


def test_fraction_backend_type():
    proc = subprocess.run(
        [sys.executable, "-c", "import exactnet, fractions; print(exactnet.Q is fractions.Fraction)"],
        env={**os.environ, "EXACTNET_BACKEND": "python"}, capture_output=True, text=True, check=True,
    )
    assert proc.stdout.strip() == "True"
    assert exactnet.Q is not None
