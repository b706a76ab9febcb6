"""Hostile input through the real command, as a separate process: nothing lost, nothing hangs,
one line and exit 2 for every refusal. Then the readers fuzzed with hypothesis."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exactnet.data.labels import read_labelled
from exactnet.data.readers import read
from exactnet.data.synthetic import integer_data
from exactnet.errors import ExactnetError, OutputPathError
from exactnet.files import write_atomic
from exactnet.network import Network

CLI = [sys.executable, "-m", "exactnet_cli.main"]
DATA = "1,2,3\n4,5,6\n7,8,9\n"


def cli(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2 with exactly one line on stderr containing ``words``, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-500:]
    for w in words:
        assert w in lines[0], lines[0]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    p = tmp_path / "d.csv"
    p.write_text(DATA)
    return p


# -- 1. nothing written over an input or anything but a regular file ---------------------------

def test_output_equal_to_the_data_file_is_refused_and_the_data_kept(data):
    refused(cli("build", data, "-o", data), "is the input file")
    assert data.read_text() == DATA


def test_output_through_a_hard_link_to_the_data_is_refused(data, tmp_path):
    link = tmp_path / "hard.csv"
    os.link(data, link)
    refused(cli("build", data, "-o", link), "is the input file")
    assert data.read_text() == DATA


def test_output_that_is_a_symbolic_link_is_refused_and_kept(data, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    refused(cli("build", data, "-o", link), "symbolic link")
    assert link.is_symlink() and target.read_text() == "keep"


def test_output_that_is_not_a_regular_file_is_refused(data, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    refused(cli("build", data, "-o", fifo), "not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_export_never_writes_over_its_network_or_data(data, tmp_path):
    net = tmp_path / "n.json"
    assert cli("build", data, "-o", net).returncode == 0
    before = net.read_text()
    refused(cli("export", net, "--format", "json", "-o", net), "is the input file")
    refused(cli("export", net, "--format", "npz", "--data", data, "-o", data), "is the input file")
    assert net.read_text() == before and data.read_text() == DATA


def test_files_get_the_umask_permissions(data, tmp_path):
    old = os.umask(0o022)
    try:
        assert cli("build", data, "-o", tmp_path / "n.json").returncode == 0
        assert cli("export", tmp_path / "n.json", "-o", tmp_path / "n.npz").returncode == 0
        assert cli("export", tmp_path / "n.json", "--dtype", "float32", "-o", tmp_path / "n.h").returncode == 0
    finally:
        os.umask(old)
    for name in ("n.json", "n.npz", "n.h"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644, name


def test_a_failed_write_names_the_users_path_and_leaves_nothing(tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OutputPathError, match=r"n\.json: cannot write \(No space left on device\)"):
        write_atomic(tmp_path / "n.json", "{}")
    assert list(tmp_path.iterdir()) == []


# -- 2. no silently dropped first row ---------------------------------------------------------

def test_a_byte_order_mark_is_stripped_and_every_row_kept(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf1,2,3\n4,5,6\n5,6,7\n")
    assert cli("build", p, "-o", tmp_path / "n.json").returncode == 0
    assert json.loads((tmp_path / "n.json").read_text())["meta"]["points"] == 3


@pytest.mark.parametrize("first", ["l0,2,3", "1,2,y"])
def test_an_ambiguous_first_row_is_an_error_naming_row_1(tmp_path, first):
    p = tmp_path / "d.csv"
    p.write_text(first + "\n4,5,6\n5,6,7\n")
    refused(cli("build", p, "-o", tmp_path / "n.json"), "row 1")
    assert not (tmp_path / "n.json").exists()


def test_a_header_of_words_is_still_a_header(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x2,y\n4,5,6\n5,6,7\n")
    assert cli("build", p, "-o", tmp_path / "n.json").returncode == 0
    assert json.loads((tmp_path / "n.json").read_text())["meta"]["points"] == 2


# -- 3. and 4. numbers of any size the machine holds; refusals for the rest ---------------------

def test_long_integers_and_huge_exponents_are_exact_end_to_end(tmp_path):
    long_int = "7" * 5001
    p = tmp_path / "d.csv"
    p.write_text(f"{long_int},2,1e4000\n1e5000,5,1e-4000\n5,6,7\n")
    net = tmp_path / "n.json"
    result = cli("build", p, "-o", net)
    assert result.returncode == 0, result.stderr
    assert json.loads(net.read_text())["meta"]["points"] == 3
    assert cli("verify", net, p).returncode == 0
    j = tmp_path / "d.json"
    j.write_text('{"X": [[%s, 1], [2, 3]], "Y": [1, 2]}' % ("5" * 5000))
    assert cli("build", j, "-o", tmp_path / "m.json").returncode == 0


def test_an_exponent_beyond_the_ceiling_is_refused_at_once(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("1e100000000,2,3\n4,5,6\n")
    start = time.perf_counter()
    refused(cli("build", p, "-o", tmp_path / "n.json", timeout=30), "beyond the limit")
    assert time.perf_counter() - start < 20


def test_a_network_weight_beyond_the_ceiling_is_refused_by_inspect(data, tmp_path):
    net = tmp_path / "n.json"
    assert cli("build", data, "-o", net).returncode == 0
    obj = json.loads(net.read_text())
    obj["layers"][0]["weights"][0][0] = "1e1000000000"
    net.write_text(json.dumps(obj))
    refused(cli("inspect", net, timeout=30), "beyond the limit")


def test_error_messages_do_not_echo_huge_values(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("1,2,3\n4,5,x" + "9" * 100000 + "\n")
    result = cli("build", p, "-o", tmp_path / "n.json")
    refused(result, "characters")
    assert len(result.stderr) < 500


@pytest.mark.parametrize("args, words", [
    (["build", "{data}", "--a1", "3000", "--a2", "3000", "-o", "{out}"], ["far beyond", "2 N M + 16"]),
    (["demo", "--a1", "100000", "--a2", "100000"], ["400 points"]),
    (["approx", "exp(exp(exp(x)))", "--interval", "0", "10", "--eps", "0.01"], ["exceeds 2^1000"]),
])
def test_work_beyond_the_machine_is_refused_early(data, tmp_path, args, words):
    args = [a.format(data=data, out=tmp_path / "n.json") for a in args]
    start = time.perf_counter()
    refused(cli(*args, timeout=60), *words)
    assert time.perf_counter() - start < 30


# -- 5. and 7. one line, exit 2, never a traceback ------------------------------------------------

@pytest.mark.parametrize("extra, words", [
    (["--tolerance", "nan"], ["finite"]), (["--tolerance", "inf"], ["finite"]),
    (["--tolerance", "-1"], ["at least 0"]), (["--min-precision", "--tolerance", "0"], ["positive"]),
])
def test_bad_tolerances(data, tmp_path, extra, words):
    net = tmp_path / "n.json"
    assert cli("build", data, "-o", net).returncode == 0
    refused(cli("export", net, "--data", data, "-o", tmp_path / "e.npz", *extra), *words)
    assert not (tmp_path / "e.npz").exists()


def test_json_nested_too_deeply(tmp_path):
    p = tmp_path / "d.json"
    p.write_text("[" * 100000 + "]" * 100000)
    refused(cli("build", p, "-o", tmp_path / "n.json"), "nested too deeply")


def test_npz_of_python_objects_garbage_and_folders(tmp_path):
    obj = tmp_path / "o.npz"
    np.savez(obj, X=np.array([[1, "a"], [2, None]], dtype=object), Y=np.array([1, 2]))
    refused(cli("build", obj, "-o", tmp_path / "n.json"), "Python objects")
    junk = tmp_path / "g.npz"
    junk.write_bytes(b"\x00garbage bytes")
    result = cli("build", junk, "-o", tmp_path / "n.json")
    refused(result, "not a zip archive")
    assert "pickle" not in result.stderr
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    refused(cli("build", folder, "-o", tmp_path / "n.json"), "is a folder")


# -- Ctrl-C ---------------------------------------------------------------------------------

def test_ctrl_c_stops_a_build_with_exit_130_and_no_file(tmp_path):
    data = integer_data(20000, 5, 0)
    p = tmp_path / "big.npz"
    np.savez(p, X=np.array([[float(v) for v in x] for x in data.X]), Y=np.array([float(y[0]) for y in data.Y]))
    out = tmp_path / "n.json"
    proc = subprocess.Popen([*CLI, "build", str(p), "-o", str(out), "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.5)
    assert proc.poll() is None, "the build finished before the signal; give it more work"
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.perf_counter() - sent < 5
    assert not out.exists() and [f.name for f in tmp_path.iterdir()] == ["big.npz"]


# -- readers fuzzed -------------------------------------------------------------------------------

NEAR_CSV = st.lists(st.lists(st.sampled_from(["1", "-2", "3/4", "0.5", "1e3", "", "x", "nan", "1/0", "\ufeff1",
                                              "9" * 50, '"', "1e99999999"]), min_size=1, max_size=4),
                    min_size=0, max_size=5).map(lambda rows: "\n".join(",".join(r) for r in rows))
NEAR_JSON = st.recursive(
    st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=5), st.none(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["X", "Y", "labels"]),
                                                                          inner, max_size=3)),
    max_leaves=12).map(json.dumps)


def _npz_bytes(draw_arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **draw_arrays)
    return buf.getvalue()


NEAR_NPZ = st.one_of(
    st.builds(lambda n, d, m, k: _npz_bytes({"X": (np.arange(n * d) * k % 7).reshape(n, d), "Y": np.arange(m)}),
              st.integers(0, 4), st.integers(0, 3), st.integers(0, 4), st.integers(1, 5)),
    st.builds(lambda b, cut: b[:cut], st.just(_npz_bytes({"X": np.eye(3), "Y": np.arange(3)})), st.integers(0, 400)),
)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(suffix=".json", content=b"[" * 100_000 + b"]" * 100_000)
@example(suffix=".json", content=b'{"X": [[' + b"7" * 5000 + b'], [2]], "Y": [1, 2]}')
@example(suffix=".npz", content=_npz_bytes({"X": np.array([[1, 2], [3, 4]], dtype=object), "Y": np.arange(2)}))
@example(suffix=".csv", content=b"1e5000,2,3\n4,5,6\n")
@given(suffix=st.sampled_from([".csv", ".json", ".npz", ".npy"]),
       content=st.one_of(st.binary(max_size=200), NEAR_CSV.map(str.encode), NEAR_JSON.map(str.encode), NEAR_NPZ))
def test_every_reader_gives_data_or_its_own_error(tmp_path, suffix, content):
    p = tmp_path / f"f{suffix}"
    p.write_bytes(content)
    for reader in (lambda: read(p), lambda: read(p, 2), lambda: read_labelled(p, "one-hot"), lambda: Network.load(p)):
        try:
            reader()
        except ExactnetError:
            pass


@settings(max_examples=80, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 2000), flip=st.integers(0, 2000))
def test_a_truncated_or_damaged_network_file_is_its_own_error(tmp_path, cut, flip):
    text = json.dumps(Network.from_json(json.loads(NETWORK)).to_json())
    damaged = text[:cut] + (text[cut + 1:] if flip % 3 == 0 else "")
    p = tmp_path / "n.json"
    p.write_text(damaged)
    try:
        Network.load(p)
    except ExactnetError:
        pass


NETWORK = json.dumps({"format": "exactnet.network", "version": 1, "layers": [
    {"weights": [["1", "-2"], ["3/4", "0"]], "bias": ["0", "1"], "activation": "relu"},
    {"weights": [["1", "1"]], "bias": ["-1/3"], "activation": "linear"}]})


def test_nonsense_options_are_refused_with_one_line(tmp_path):
    """An audit found these accepted: a NaN timeout written into instances.csv, an empty
    scheduler address running locally, a negative --show, --dim 0 planned as d = 5."""
    from exactnet_cli.main import app
    from typer.testing import CliRunner

    import exactnet
    from exactnet.data.synthetic import integer_data

    runner = CliRunner()
    ds = integer_data(16, 2, 4)
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{x[0]},{x[1]},{y[0]}\n" for x, y in zip(ds.X, ds.Y)))
    net = tmp_path / "n.json"
    exactnet.build(ds, exact_in="float64").save(net)
    for value in ("nan", "inf", "1e-300", "-1"):
        r = runner.invoke(app, ["vnnlib", str(net), str(data), "-o", str(tmp_path / f"b{value}"), "--timeout", value,
                                "-q"])
        assert r.exit_code == 2 and "--timeout must be a finite number of seconds" in r.output, (value, r.output)
        assert not (tmp_path / f"b{value}").exists()
    r = runner.invoke(app, ["verify", str(net), str(data), "--scheduler", "  "])
    assert r.exit_code == 2 and "--scheduler: empty address" in r.output
    r = runner.invoke(app, ["verify", str(net), str(data), "--show", "-1"])
    assert r.exit_code == 2
    for dim in ("0", "-1"):
        r = runner.invoke(app, ["plan", "--points", "100", "--exact-in", "float64", "--dim", dim])
        assert r.exit_code == 2 and "dim must be at least 1" in r.output, r.output
    r = runner.invoke(app, ["plan", "--points", "100", "--exact-in", "float64", "--dim", "1", "-f", "json"])
    assert r.exit_code == 0 and "[0, 100)^1 " in json.loads(r.output)["caption"], r.output


def test_help_and_messages_show_text_as_written(tmp_path):
    """Rich markup ate "[dask]" in verify --help and turned ":x:" in a file name into an emoji."""
    from exactnet_cli.main import app
    from typer.testing import CliRunner

    runner = CliRunner()
    r = runner.invoke(app, ["verify", "--help"], terminal_width=400)
    assert r.exit_code == 0 and 'pip install ".[dask]"' in r.output
    r = runner.invoke(app, ["verify", str(tmp_path / "a:x:b.json"), str(tmp_path / "d.csv")])
    assert r.exit_code == 2 and "a:x:b.json" in r.output and "\u274c" not in r.output


def test_no_arithmetic_below_the_rationals_suggests_only_the_rationals():
    """A span beyond 63 once suggested "--exact-in int64 or rational would work"."""
    import pytest

    import exactnet
    from exactnet.errors import CapacityError

    X = [[k * 2**45, (k * k % 5) * 2**44] for k in range(60)]  # binary64 numbers, far apart
    Y = [(k % 2) * 2**50 + k % 3 for k in range(60)]
    with pytest.raises(CapacityError, match=r"span (\d+) > 53.*`exact_in` rational would work") as e:
        exactnet.build(X, Y, exact_in="float64")
    assert int(str(e.value).split("span ")[1].split(" ")[0]) > 63 and "int64" not in str(e.value)
