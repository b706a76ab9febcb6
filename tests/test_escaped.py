"""Bugs that once slipped past the suite, each pinned by a test that fails with it: exactness,
not closeness (moves of 2^-100), the worst error across blocks, the loader's version check,
no file after a failed verification, the tolerance boundary, the width tie-break, approx's
expression whitelist."""

from __future__ import annotations

import importlib
from fractions import Fraction

import pytest
from exactnet_cli.main import app
from oracle import forward, moved
from typer.testing import CliRunner

import exactnet
from exactnet.analysis.expr import ExprError, parse
from exactnet.capacity import parameter_count, smallest_two_layer, two_layer_capacity
from exactnet.construct.dyadic import build_dyadic
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.data.synthetic import integer_data
from exactnet.errors import NetworkFileError
from exactnet.export.measure import ErrorStats, ExportReport
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier import verify

runner = CliRunner()


@pytest.fixture(scope="module")
def theorem3():
    data = integer_data(36, 4, 2)
    return build_two_layer(data, 6, 6), data


@pytest.mark.parametrize("layer", [0, 1, 2])
@pytest.mark.parametrize("engine", ["flint", "python", None])
def test_one_weight_moved_by_2_to_the_minus_100_is_caught_in_every_layer(theorem3, layer, engine):
    net, data = theorem3
    i, j = next((i, j) for i, row in enumerate(net.layers[layer].weights) for j, w in enumerate(row) if w)
    bad = moved(net, layer, i, j, Q(1, 2**100))
    cert = verify(bad, data, engine=engine)
    wrong = sum(1 for x, y in zip(data.X, data.Y) if forward(bad, x) != [Fraction(int(v.numerator),
                                                                                  int(v.denominator)) for v in y])
    assert not cert.exact and cert.failed == wrong > 0
    assert 0 < cert.max_error < Fraction(1, 2**60)


def test_the_worst_error_is_carried_across_blocks(theorem3, monkeypatch):
    net, data = theorem3
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.general"), "BLOCK", 5)
    first = data.X[0]
    big = moved(net, 2, 0, 0, Q(1, 2**90))  # every point off a little ...
    per_point = [max(abs(a - Fraction(int(b.numerator), int(b.denominator))) for a, b in zip(forward(big, x), y))
                 for x, y in zip(data.X, data.Y)]
    cert = verify(big, data, engine="flint")
    assert cert.max_error == max(per_point) and per_point.index(max(per_point)) >= 5  # the worst is not in block 1
    assert first == data.X[0]


@pytest.mark.parametrize("version", [0, 2, True, 1.0, "1", None])
def test_the_loader_takes_version_1_only(version):
    obj = {"format": "exactnet.network", "version": version, "layers": [
        {"weights": [["1"]], "bias": ["0"], "activation": "linear"}]}
    with pytest.raises(NetworkFileError, match="version"):
        Network.from_json(obj)
    obj["version"] = 1
    assert Network.from_json(obj).input_dim == 1


def test_build_writes_no_file_when_verification_fails(tmp_path, monkeypatch):
    import exactnet.verified as verified

    good = verified.build

    def wrong(*args, **kw):
        net = good(*args, **kw)
        return moved(net, 2, 0, 0, Q(1, 2**100)).with_meta(**net.meta)

    monkeypatch.setattr(verified, "build", wrong)
    data = tmp_path / "d.csv"
    data.write_text("1,2,3\n4,5,6\n7,8,9\n")
    result = runner.invoke(app, ["build", str(data), "-o", str(tmp_path / "n.json"), "-q"])
    assert result.exit_code == 1 and "verification failed" in result.output
    assert not (tmp_path / "n.json").exists()


def _report(error, tolerance) -> ExportReport:
    stats = ErrorStats("numpy float64", (error,), (0.0,), (), 0)
    return ExportReport("float64", 1, 1, 0, arithmetic=stats, tolerance=tolerance)


def test_the_tolerance_boundary_is_inclusive():
    exact = Q(Fraction(0.001))  # the float's exact value, a little above 1/1000
    assert _report(exact, 0.001).within_tolerance is True  # an error equal to the tolerance passes
    assert _report(exact + Q(1, 2**200), 0.001).within_tolerance is False  # one a hair above does not
    assert _report(Q(1, 1000), 0.001).within_tolerance is True


def test_the_width_tie_break_fewest_neurons_then_parameters_then_larger_a1():
    for points, outputs, dim in [(10, 1, 1), (37, 1, 5), (50, 3, 2), (99, 2, 64), (12, 5, 3)]:
        a1, a2 = smallest_two_layer(points, outputs, dim)
        options = [(c1 + c2, parameter_count(dim, [c1, c2], outputs), -c1, c1, c2)
                   for c1 in range(1, points + 2) for c2 in range(1, points * outputs + outputs + 1)
                   if two_layer_capacity(c1, c2, outputs) >= points]
        assert (a1, a2) == min(options)[3:]


@pytest.mark.parametrize("text", ["foo.exp(x)", "x.exp()", "exp.__call__(x)", "(x).real", "x.__class__",
                                  "__import__('os')", "exp(x)[0]", "lambda: x", "[x]", "x if x else 1"])
def test_approx_refuses_everything_outside_its_language(text):
    with pytest.raises(ExprError):
        parse(text)
    assert parse("exp(x) + sin(x) * 2")  # the language itself still parses


def test_verify_takes_the_rows_of_the_data_it_is_given():
    data = Dataset.from_rows([[1], [2], [3]], [1, 2, 3])
    net = Network((Layer(((Q(1),),), (Q(0),), "linear"),))
    assert verify(net, data).exact
    assert not exactnet.verify(net, [[1], [2], [3]], [1, 2, 4]).exact


def test_fixed_point_c_equals_the_emulation_where_it_rounds_saturates_and_floors_negatives(tmp_path):
    import random

    from export_helpers import compiler, run_c

    from exactnet.export import measure, parse_dtype
    from exactnet.export.c import header
    from exactnet.export.emulate import fixed_forward
    from exactnet.export.rounding import quantize_inputs

    if compiler() is None:
        pytest.skip("no C compiler")
    rng = random.Random(7)
    q = lambda: Q(rng.randint(-1000, 1000), rng.choice([137, 256, 300]))  # noqa: E731  non-integer, |q| < 8
    sizes = [4, 6, 5, 3]
    net = Network(tuple(Layer(tuple(tuple(q() for _ in range(a)) for _ in range(b)), tuple(q() for _ in range(b)),
                              "relu" if k < 2 else "linear") for k, (a, b) in enumerate(zip(sizes, sizes[1:]))))
    X = [[Q(rng.randint(-300, 300), 100) for _ in range(4)] for _ in range(60)]
    data = Dataset.from_rows(X, [[0, 0, 0]] * 60)
    report, rounded = measure(net, parse_dtype("fixed:Q5.7"), data)
    fx = report.fixed
    Xq, _ = quantize_inputs(data.X, fx)
    W, b = rounded.arrays[0]
    acc = [[(int(b[o]) << fx.frac_bits) + sum(int(W[o][i]) * x[i] for i in range(4)) for o in range(6)] for x in Xq]
    assert any(a < 0 and a % (1 << fx.frac_bits) for row in acc for a in row)  # negative, non-integer sums
    assert any(a % (1 << fx.frac_bits) >= 1 << (fx.frac_bits - 1) for row in acc for a in row)  # rounding up
    out, saturations = fixed_forward(rounded.arrays, Xq, fx, rounded.activations)
    assert saturations > 0
    lines = run_c(header(rounded), [[str(v) for v in x] for x in Xq], tmp_path, fixed=True)
    assert [[int(v) for v in line.split()] for line in lines[:-1]] == [[int(v) for v in row] for row in out]
    assert lines[-1] == f"saturations {saturations}"


def test_verify_certifies_every_row_of_the_file_duplicates_included(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("1,2,3\n4,5,6\n1,2,3\n7,8,9\n4,5,6\n")
    assert runner.invoke(app, ["build", str(data), "-o", str(tmp_path / "n.json"), "-q"]).exit_code == 0
    result = runner.invoke(app, ["verify", str(tmp_path / "n.json"), str(data), "-q"])
    assert result.exit_code == 0 and "│ points             │ 5 " in result.output  # all five rows, not three
    data.write_text("1,2,3\n4,5,6\n1,2,4\n")
    conflict = runner.invoke(app, ["verify", str(tmp_path / "n.json"), str(data), "-q"])
    assert conflict.exit_code == 2 and "rows 1 and 3" in conflict.output


@pytest.fixture(scope="module")
def dyadic():
    data = integer_data(25, 3, 1)
    return build_dyadic(data, 10, 6).network, data


@pytest.mark.parametrize("layer", [0, 1, 2])
@pytest.mark.parametrize("engine", ["prefix", "integer"])
def test_one_weight_moved_by_2_to_the_minus_100_is_caught_by_the_dyadic_paths(dyadic, layer, engine):
    net, data = dyadic
    assert verify(net, data, engine=engine).exact
    i, j = next((i, j) for i, row in enumerate(net.layers[layer].weights) for j, w in enumerate(row) if w)
    bad = moved(net, layer, i, j, Q(1, 2**100))
    cert = verify(bad, data, engine=engine)
    want = [[Fraction(int(v.numerator), int(v.denominator)) for v in y] for y in data.Y]
    wrong = sum(1 for x, y in zip(data.X, want) if forward(bad, x) != y)
    assert cert.engine in ("prefix", "integer")  # the dyadic comparison ran, not the general one
    assert not cert.exact and cert.failed == wrong > 0
    assert 0 < cert.max_error < Fraction(1, 2**60)


def test_the_certificate_json_carries_every_field_of_a_failed_verification(theorem3):
    net, data = theorem3
    bad = moved(net, 2, 0, 0, Q(1, 2**100))
    cert = verify(bad, data, engine="python")
    doc = cert.to_json()
    assert set(doc) == {"arithmetic", "exact", "points", "outputs", "max_error", "failed_points",
                        "network_sha256", "data_sha256", "engine"}
    assert doc["exact"] is False and doc["points"] == data.n == 36 and doc["outputs"] == data.outputs == 1
    assert doc["failed_points"] == cert.failed > 0 and doc["engine"] == "python"
    assert Fraction(doc["max_error"]) == cert.max_error > 0
    assert doc["network_sha256"] == cert.network_sha256 and len(doc["network_sha256"]) == 64
    assert doc["data_sha256"] == cert.data_sha256 and len(doc["data_sha256"]) == 64
    assert doc["arithmetic"] == cert.arithmetic.to_json()


def test_every_subpackage_is_installed_by_a_plain_install():
    """pyproject's package list names every folder of exactnet with an __init__.py (a plain
    `pip install .` copies only those)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "exactnet").rglob("__init__.py")}
    assert found <= listed


def test_no_assert_statement_guards_the_library():
    """Invariants are checked by ``errors.require`` or an explicit raise: ``python -O`` drops asserts."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "exactnet"
    found = [f"{p.relative_to(root)}:{node.lineno}" for p in root.rglob("*.py")
             for node in ast.walk(ast.parse(p.read_text())) if isinstance(node, ast.Assert)]
    assert found == []


def test_a_failed_invariant_is_an_error_that_survives_python_O():
    import subprocess
    import sys

    code = ("from exactnet.errors import InvariantError, require\n"
            "try:\n    require(1 > 2, 'one is not above two')\nexcept InvariantError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "one is not above two"


def test_one_table_says_which_dtypes_each_export_format_carries():
    """The check the API and CLI run first and the ONNX and C writers refuse exactly the same pairs,
    with the same words."""
    import exactnet
    from exactnet.export import c, onnx
    from exactnet.export.dtypes import FORMAT_DTYPES, ExportError, check_format_dtype, parse_dtype
    from exactnet.export.rounding import round_network

    net = exactnet.build([[0], [1], [2]], [0, 1, 0])
    refused = {}
    for fmt in FORMAT_DTYPES:
        for name in ("float64", "float32", "float16", "bfloat16", "fixed:q8.8", "int64"):
            try:
                check_format_dtype(fmt, parse_dtype(name))
            except ExportError as e:
                refused[fmt, name] = str(e)
    assert set(refused) == {("onnx", "fixed:q8.8"), ("onnx", "int64"), ("c", "float16"), ("c", "bfloat16")}
    for (fmt, name), message in refused.items():
        if name == "int64":
            continue  # int64 is written by export.int64, never rounded
        writer = onnx.model_bytes if fmt == "onnx" else c.header
        with pytest.raises(ExportError) as e:
            writer(round_network(net, parse_dtype(name)))
        assert str(e.value) == message


def test_the_construct_modules_import_each_other_without_a_cycle():
    """Shared pieces sit below the builders and build.py only dispatches: the module-level import
    graph of exactnet.construct has no cycle (and no import hidden inside a function)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "exactnet" / "construct"
    graph: dict[str, set[str]] = {}
    for p in root.glob("*.py"):
        tree = ast.parse(p.read_text())
        deps = {n.module.rsplit(".", 1)[1] for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("exactnet.construct.")}
        top = {n.module.rsplit(".", 1)[1] for n in tree.body
               if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("exactnet.construct.")}
        assert deps == top, f"{p.name} imports a construct module inside a function"
        graph[p.stem] = deps
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        assert state.get(m) != 1, "import cycle: " + " -> ".join(path + [m])
        if state.get(m) == 2:
            return
        state[m] = 1
        for dep in graph.get(m, ()):
            visit(dep, path + [m])
        state[m] = 2

    for m in graph:
        visit(m, [])


def test_build_verified_returns_only_a_network_its_certificate_holds_for(monkeypatch):
    import exactnet.verified as verified
    from exactnet.errors import CheckFailed

    data = exactnet.as_dataset([[1, 2], [4, 5], [7, 8]], [3, 6, 9])
    result = exactnet.build_verified(data, exact_in="float64")
    assert result.certificate.exact and result.certificate.arithmetic.holds("float64")
    assert result.network.meta["certificate"] == result.certificate.to_json()
    good = verified.build
    monkeypatch.setattr(verified, "build", lambda *a, **k: moved(good(*a, **k), 1, 0, 0, Q(1, 3)))
    with pytest.raises(CheckFailed, match="verification failed on"):
        exactnet.build_verified(data)
