"""exactnet export on the command line: files, exit codes, one-line errors, no partial files."""

import json
import re

import ml_dtypes
import numpy as np
import pytest
from exactnet_cli.main import app
from typer.testing import CliRunner

from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.readers import read
from exactnet.data.synthetic import integer_data
from exactnet.export import min_precision
from exactnet.network import Network

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["export", *map(str, args)])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    data = integer_data(100, 5, 0)
    net = build_two_layer(data, seed=0)
    net.save(tmp / "net.json")
    (tmp / "data.json").write_text(json.dumps({"X": [[str(v) for v in x] for x in data.X],
                                               "Y": [[str(v) for v in y] for y in data.Y]}))
    return tmp, net


def test_npz_json_and_c_files(files, tmp_path):
    tmp, net = files
    r = run(tmp / "net.json", "--dtype", "bfloat16", "-o", tmp_path / "w.npz", "--data", tmp / "data.json")
    assert r.exit_code == 0, r.output
    assert "numpy bfloat16" in r.output and "a-priori bound" in r.output
    with np.load(tmp_path / "w.npz") as z:
        assert str(z["dtype"]) == "bfloat16" and z["W2"].view(ml_dtypes.bfloat16).shape == (10, 10)
    r = run(tmp / "net.json", "--format", "json", "-o", tmp_path / "copy.json")
    assert r.exit_code == 0 and Network.load(tmp_path / "copy.json") == net
    r = run(tmp / "net.json", "--dtype", "fixed:auto32", "-o", tmp_path / "net.h", "--data", tmp / "data.json")
    assert r.exit_code == 0 and "saturations" in r.output
    m, n = map(int, re.search(r"fixed:Q(\d+)\.(\d+)", r.output).groups())
    assert m + n == 32 and m >= 1  # auto32 fills 32 bits, integer bits first
    assert "exactnet_forward" in (tmp_path / "net.h").read_text()


@pytest.mark.parametrize("args, message", [
    (["--dtype", "float8", "-o", "{out}/x.npz"], "unknown dtype 'float8'"),
    (["--format", "tflite", "-o", "{out}/x.npz"], "unknown format 'tflite'"),
    (["--dtype", "fixed:Q8.8", "-o", "{out}/x.h"], "fixed:Q8.8 cannot hold layer 1"),  # knots are t-values >> 2^7
    (["--dtype", "fixed:Q16.16", "-o", "{out}/x.onnx"], "format onnx takes float dtypes"),
    (["--tolerance", "1", "-o", "{out}/x.npz"], "--tolerance needs --data"),
    (["-o", "{out}/x.bin"], "cannot tell the format"),
])
def test_bad_input_is_one_line_exit_2_and_no_file(files, tmp_path, args, message):
    tmp, _ = files
    r = run(tmp / "net.json", *[a.format(out=tmp_path) for a in args])
    assert r.exit_code == 2, r.output
    assert message in r.output and len(r.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_tolerance_exceeded_exits_1_without_a_file(files, tmp_path):
    tmp, _ = files
    r = run(tmp / "net.json", "--dtype", "float32", "-o", tmp_path / "x.onnx", "--data", tmp / "data.json",
            "--tolerance", "1e-3")
    assert r.exit_code == 1 and "exceeds --tolerance" in r.output
    assert list(tmp_path.iterdir()) == []
    r = run(tmp / "net.json", "-o", tmp_path / "x.onnx", "--data", tmp / "data.json", "--tolerance", "1e-3")
    assert r.exit_code == 0 and (tmp_path / "x.onnx").exists()


def test_min_precision_says_how_far_above_float64(files):
    tmp, _ = files
    r = run(tmp / "net.json", "--min-precision", "--data", tmp / "data.json", "--tolerance", "1e-6")
    assert r.exit_code == 0, r.output
    data = read(tmp / "data.json")
    expected = min_precision(Network.load(tmp / "net.json"), data, 1e-6)
    assert expected.float_bits is not None and expected.fixed is not None
    q_format = expected.fixed.name.removeprefix("fixed:")
    assert f"{expected.float_bits} bits (" in r.output and f"{q_format} (" in r.output
    r = run(tmp / "net.json", "--min-precision", "--data", tmp / "data.json")
    assert r.exit_code == 2
