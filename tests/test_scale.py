"""The fast verifier at moderate size: it agrees point for point with the plain exact evaluator
(``Network.__call__``), on a correct and on a tampered network, for one and for two processes;
and both number backends build the identical network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.synthetic import integer_data
from exactnet.network import Layer, Network
from exactnet.rational import BACKEND, Q
from exactnet.verifier import network_digest, verify

K = 40


@pytest.fixture(scope="module")
def case():
    data = integer_data(K * K, 5, 7)
    return data, build_two_layer(data, K, K, seed=7)


def _plain(net: Network, data) -> list[int]:
    """Indices of the points where the plain per-point evaluation differs from the data."""
    return [n for n, (x, y) in enumerate(zip(data.X, data.Y)) if net(x) != list(y)]


def _tampered(net: Network) -> Network:
    layers = list(net.layers)
    L = layers[1]
    weights = [list(r) for r in L.weights]
    weights[K // 2][K // 3] += Q(1, 10**9)
    layers[1] = Layer(tuple(map(tuple, weights)), L.bias, L.activation)
    return Network(tuple(layers))


def test_fast_verifier_agrees_with_the_plain_evaluator(case):
    data, net = case
    cert = verify(net, data, engine="flint")
    assert cert.exact and cert.failed == 0 and cert.max_error == 0
    assert _plain(net, data) == []
    assert verify(net, data, engine="flint", jobs=2) == cert

    bad = _tampered(net)
    wrong = _plain(bad, data)
    assert wrong  # the change is visible at some points
    cert = verify(bad, data, engine="flint", keep=data.n)
    assert not cert.exact and cert.failed == len(wrong)
    assert [f.index for f in cert.failures] == wrong
    worst = Fraction(0)
    for f in cert.failures[:25]:
        got = bad(data.X[f.index])
        assert list(f.got) == got and f.difference[0] == got[0] - data.Y[f.index][0]
    for f in cert.failures:
        worst = max(worst, abs(f.difference[0]))
    assert cert.max_error == worst > 0
    assert verify(bad, data, engine="flint", keep=data.n, jobs=2) == cert


def test_progress_counts_points(case):
    data, net = case
    seen: list[tuple[int, int]] = []
    verify(net, data, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (data.n, data.n) and all(t == data.n for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.skipif(BACKEND != "gmpy2", reason="compares the gmpy2 backend with the Fraction backend")
def test_both_backends_build_the_identical_network():
    code = (
        "import json; from exactnet.rational import BACKEND; from exactnet.data.synthetic import integer_data;"
        "from exactnet.construct.theorem3 import build_two_layer; from exactnet.verifier import network_digest;"
        "net = build_two_layer(integer_data(400, 5, 3), 20, 20, seed=3);"
        "print(json.dumps([BACKEND, network_digest(net)]))"
    )
    env = {**os.environ, "EXACTNET_BACKEND": "python", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    backend, digest = json.loads(proc.stdout)
    assert backend == "python"
    assert digest == network_digest(build_two_layer(integer_data(400, 5, 3), 20, 20, seed=3))


def test_cli_jobs_give_the_same_verdict(tmp_path: Path):
    from exactnet_cli.main import app
    from typer.testing import CliRunner

    data = integer_data(300, 3, 5)
    csv = tmp_path / "data.csv"
    csv.write_text("".join(",".join(str(int(v)) for v in (*x, *y)) + "\n" for x, y in zip(data.X, data.Y)))
    runner = CliRunner()
    built = runner.invoke(app, ["build", str(csv), "-o", str(tmp_path / "net.json"), "--jobs", "2", "-q"])
    assert built.exit_code == 0, built.output
    one = runner.invoke(app, ["verify", str(tmp_path / "net.json"), str(csv), "-q"])
    two = runner.invoke(app, ["verify", str(tmp_path / "net.json"), str(csv), "--jobs", "2", "-q"])
    assert one.exit_code == two.exit_code == 0
    assert "exact" in two.output and "sha256" in two.output
