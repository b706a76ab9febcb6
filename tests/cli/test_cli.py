"""The command line, through typer's CliRunner and once through the installed command."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from exactnet_cli.main import app
from typer.testing import CliRunner

from exactnet.network import Network
from exactnet.verifier import network_digest

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_demo_prints_data_parameters_and_the_exact_check():
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "(5, 3, 3, 1) ReLU network, 9 points" in result.output
    assert "[0, 0, 0, 0, 0, 0, 0, 0, 0]" in result.output and "exact, max error 0" in result.output
    bigger = run("demo", "--a1", "4", "--a2", "2", "--dim", "3", "--seed", "4")
    assert bigger.exit_code == 0 and "(3, 4, 2, 1) ReLU network, 8 points" in bigger.output


def test_build_verify_inspect(tmp_path, csv_file):
    net_path = tmp_path / "net.json"
    result = run("build", csv_file, "-o", net_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert "parameters" in result.output and "exact" in result.output
    net = Network.load(net_path)
    assert net.meta["certificate"]["exact"] is True and net.meta["points"] == 4
    result = run("verify", net_path, csv_file, "--quiet")
    assert result.exit_code == 0 and "exact" in result.output and "max error" in result.output
    assert network_digest(net) in result.output  # whole, not cut to the width of a terminal
    result = run("inspect", net_path)
    assert result.exit_code == 0 and "2 → 2 → 2 → 1" in result.output and "two-hidden-layer" in result.output


def test_build_with_widths_and_seed(tmp_path):
    data = tmp_path / "d.npz"
    rng = np.random.default_rng(0)
    np.savez(data, X=rng.integers(0, 100, (20, 3)), Y=rng.integers(0, 100, 20))
    out = tmp_path / "n.json"
    result = run("build", data, "-o", out, "--a1", "4", "--a2", "6", "--seed", "3", "-q")
    assert result.exit_code == 0, result.output
    assert Network.load(out).widths == [4, 6]


def test_verify_fails_with_exit_1_and_lists_points(tmp_path, csv_file):
    net_path = tmp_path / "net.json"
    assert run("build", csv_file, "-o", net_path, "-q").exit_code == 0
    obj = json.loads(net_path.read_text())
    obj["layers"][-1]["bias"][0] = "1/1000000000"  # a wrong output bias
    net_path.write_text(json.dumps(obj))
    result = run("verify", net_path, csv_file, "-q")
    assert result.exit_code == 1
    assert "NOT exact" in result.output and "first failing points" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2,3\n1,2,4\n", "same input but different outputs"),
        ("1,2,3\nnan,2,4\n", "not a finite number"),
        ("1,2,3\n1,2\n", "ragged rows"),
        ("1,2,3\n1,two,4\n", "not a number: 'two'"),
        ("", "no data rows"),
    ],
)
def test_bad_data_exits_2_with_one_line_and_no_file(tmp_path, content, message):
    data = tmp_path / "bad.csv"
    data.write_text(content)
    out = tmp_path / "net.json"
    result = run("build", data, "-o", out, "-q")
    assert result.exit_code == 2
    assert message in result.output and result.output.count("error:") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [data]


def test_widths_too_small_exit_2(tmp_path, csv_file):
    out = tmp_path / "net.json"
    result = run("build", csv_file, "-o", out, "--a1", "1", "--a2", "3")
    assert result.exit_code == 2 and "4 points" in result.output and "smallest widths that fit" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty file"), ("{", "not valid JSON"), ('{"format": "exactnet.network", "version": 9, "layers": []}',
                                                   "version 9 is not supported")],
)
def test_malformed_network_files_exit_2(tmp_path, csv_file, text, message):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    for args in (("verify", bad, csv_file), ("inspect", bad)):
        result = run(*args)
        assert result.exit_code == 2 and message in result.output


def test_verify_with_wrong_data_shape_exits_2(tmp_path, csv_file):
    net_path = tmp_path / "net.json"
    assert run("build", csv_file, "-o", net_path, "-q").exit_code == 0
    other = tmp_path / "other.csv"
    other.write_text("1,2,3,4\n")
    result = run("verify", net_path, other)
    assert result.exit_code == 2 and "maps 2 -> 1 values but the data has 3 input" in result.output


def test_installed_command_runs(tmp_path, csv_file):
    beside = Path(sys.executable).parent / "exactnet"  # the environment's scripts folder
    exe = str(beside) if beside.exists() else shutil.which("exactnet")
    assert exe, "the exactnet console script is installed"
    out = tmp_path / "net.json"
    proc = subprocess.run([exe, "build", str(csv_file), "-o", str(out), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([exe, "verify", str(out), str(csv_file), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0 and "exact" in proc.stdout
    bad = tmp_path / "missing.csv"
    proc = subprocess.run([exe, "build", str(bad), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("error:") and "no such file" in proc.stderr
    assert Path(out).exists()  # the earlier good file is untouched by the failed run


@pytest.mark.parametrize(("target", "message"), [("missing/net.json", "folder {tmp}/missing does not exist"),
                                                 (".", "is a folder; give a file name")])
def test_unwritable_output_exits_2_before_building(tmp_path, csv_file, target, message):
    out = tmp_path / target
    result = run("build", csv_file, "-o", out, "-q")
    assert result.exit_code == 2 and result.output.count("error:") == 1
    assert message.format(tmp=tmp_path) in result.output
    assert "built" not in result.output  # refused before any work
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]
