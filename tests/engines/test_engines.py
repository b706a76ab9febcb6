"""Real inference engines on certified networks: exact where the certificate requires it, the
control (a float64-only network run in float32) reported not exact, crashes and timeouts as rows."""

from __future__ import annotations

import json

import pytest
from exactnet_cli.main import app
from typer.testing import CliRunner

import exactnet
from exactnet import engines
from exactnet.data.synthetic import integer_data
from exactnet.engines.adapters import Engine
from exactnet.errors import ArgumentError

runner = CliRunner()


@pytest.fixture(scope="module")
def float32_case():
    data = integer_data(600, 5, 3)
    return exactnet.build(data, exact_in="float32"), data


def test_every_installed_engine_is_exact_on_a_float32_exact_network(float32_case):
    net, data = float32_case
    results = {r.engine: r for r in engines.run(net, data, "float32")}
    for name in ("onnxruntime", "onnxruntime-optimized", "onnx-reference", "openvino-f32", "tract"):
        r = results[name]
        assert r.required and r.status == "exact" and r.wrong == 0 and r.points == 600, (name, r.status)
    assert sum(r.status == "exact" for r in results.values()) >= 4


def test_the_float32_run_of_a_float64_only_network_is_reported_not_exact():
    data = integer_data(300, 3, 2)  # dyadic network: weights float32 numbers, span 32 > 24
    net = exactnet.build(data, exact_in="float64")
    [r] = engines.run(net, data, "float32", ["onnxruntime"])
    assert not r.required and r.status == "not exact" and r.wrong > 0 and r.worst > 0 and not r.finding
    index, exact, computed = r.first
    assert exact != computed and 0 <= index < 300


def test_a_crash_and_a_timeout_are_rows_not_exceptions(float32_case, monkeypatch):
    net, data = float32_case
    bogus = Engine("no-such-engine", "onnx", "an engine the child does not know", lambda path, X: X)
    monkeypatch.setattr(engines, "ENGINES", (bogus,))
    [r] = engines.run(net, data, "float32")
    assert r.status.startswith("crashed: KeyError") and r.seconds is not None
    monkeypatch.undo()
    [r] = engines.run(net, data, "float32", ["onnx-reference"], timeout=0.05)
    assert r.status == "timed out after 0.05 s"


def test_a_dtype_that_would_round_a_weight_is_refused(float32_case):
    net, data = float32_case
    with pytest.raises(ArgumentError, match="(overflows|is not exact in) float16, .*`exact_in` float16"):
        engines.run(net, data, "float16")
    with pytest.raises(ArgumentError, match="`engine` 'nope'"):
        engines.run(net, data, "float32", ["nope"])


def test_the_command_exits_1_on_an_engine_finding(tmp_path, float32_case):
    net, data = float32_case
    path = tmp_path / "d.csv"
    path.write_text("".join(f"{','.join(str(v) for v in x)},{y[0]}\n" for x, y in zip(data.X, data.Y)))
    net.save(tmp_path / "n.json")
    r = runner.invoke(app, ["engines", str(tmp_path / "n.json"), str(path), "--engine", "onnxruntime", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)[0]["status"] == "exact"
    wide = integer_data(2000, 5, 0)  # float64-exact; OpenVINO computes float64 models in f32
    exactnet.build(wide, exact_in="float64").save(tmp_path / "w.json")
    (tmp_path / "w.csv").write_text("".join(f"{','.join(str(v) for v in x)},{y[0]}\n" for x, y in zip(wide.X, wide.Y)))
    r = runner.invoke(app, ["engines", str(tmp_path / "w.json"), str(tmp_path / "w.csv"), "--dtype", "float64",
                            "--engine", "onnxruntime", "--engine", "openvino-f32"])
    assert r.exit_code == 1 and "not exact although the float64 certificate holds: openvino-f32" in r.output
