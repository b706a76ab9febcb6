"""A float32-exact network exported to float32 is exact in its real consumers: numpy,
onnxruntime running the ONNX file, and a gcc-compiled C program computing in ``float``."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
import pytest
from exactnet_cli.main import app
from export_helpers import compiler, run_c
from typer.testing import CliRunner

import exactnet
from exactnet.data.synthetic import integer_data
from exactnet.export import measure, parse_dtype
from exactnet.export.c import header

runner = CliRunner()


@pytest.fixture(scope="module")
def case():
    data = integer_data(1500, 5, 4)
    return exactnet.build(data, exact_in="float32"), data


def test_the_float32_export_is_proven_and_measured_exact(case, tmp_path):
    net, data = case
    report = exactnet.export_network(net, tmp_path / "net.onnx", "float32", data=data)
    assert report.max_error == 0 and all(b == 0 for b in report.bound)
    assert any("binary32 certificate on the data" in n and "yes" in n for n in report.notes)
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    X = np.array([[float(v) for v in x] for x in data.X], dtype=np.float32)
    got = session.run(None, {session.get_inputs()[0].name: X})[0]
    assert got.dtype == np.float32
    assert np.array_equal(got.astype(np.float64), np.array([[float(v) for v in y] for y in data.Y]))


@pytest.mark.skipif(compiler() is None, reason="no C compiler")
def test_the_float32_c_header_computes_every_output_exactly(case, tmp_path):
    net, data = case
    _, rounded = measure(net, parse_dtype("float32"))
    lines = run_c(header(rounded), [[float(v).hex() for v in x] for x in data.X], tmp_path, fixed=False)
    got = [[float.fromhex(v) for v in line.split()] for line in lines]
    assert got == [[float(v) for v in y] for y in data.Y]


def test_a_float64_only_network_is_not_exact_in_float32(tmp_path):
    data = integer_data(300, 3, 2)  # span 32: exact in float64, not in float32; weights float32 numbers
    net = exactnet.build(data, exact_in="float64")
    assert not exactnet.verify(net, data).arithmetic.holds("float32")
    report = exactnet.export_network(net, tmp_path / "net.onnx", "float32", data=data)
    assert report.max_error > 0  # the check can fail: float32 rounds this network


def test_build_verify_and_refusals_on_the_command_line(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{i},{(i * 7) % 11},{(i * i) % 13}\n" for i in range(60)))
    out = tmp_path / "net.json"
    r = runner.invoke(app, ["build", str(data), "--exact-in", "float32", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "exact (max error 0), float32 path" in r.output and "exact in float32" in r.output
    assert json.loads(out.read_text())["meta"]["construction"] == "bucketed"
    r = runner.invoke(app, ["verify", str(out), str(data)])
    verdicts = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in r.output.splitlines()
                if line.count("│") == 3}
    assert r.exit_code == 0 and verdicts["path"] == "float32" and verdicts["exact in float32"].startswith("yes: span")
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n2,70000\n")
    r = runner.invoke(app, ["build", str(bad), "--exact-in", "float16", "-o", str(tmp_path / "n.json"), "-q"])
    assert r.exit_code == 2 and "row 2, output column 1: 70000 is not a binary16 number" in r.output
    assert not (tmp_path / "n.json").exists()
    r = runner.invoke(app, ["build", str(data), "--exact-in", "float32", "--depth", "5", "-o", str(out), "-q"])
    assert r.exit_code == 2 and "--depth 5" in r.output
