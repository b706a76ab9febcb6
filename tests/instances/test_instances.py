"""Benchmarks with exact answers: the properties' answers against the tests' own evaluator, the
VNN-LIB text read back by the vnnlib package, the ONNX file as the exact network, scoring,
Marabou (a real complete verifier) on small instances, and bad input."""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import pytest
import vnnlib
import vnnlib.compat
from exactnet_cli.main import app
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import numpy_helper
from oracle import F, forward
from typer.testing import CliRunner

import exactnet
from exactnet.data.dataset import Dataset
from exactnet.errors import ArgumentError, OutputPathError
from exactnet.export.onnx import run
from exactnet.instances import marabou
from exactnet.instances.folder import read_benchmark, write_benchmark
from exactnet.instances.generate import instances
from exactnet.instances.property import Clause, Property
from exactnet.instances.score import parse_result, score, write_result
from exactnet.instances.vnnlib_text import decimal, text_v1, text_v2
from exactnet.rational import Q, to_rational

runner = CliRunner()


def grid_data(n: int, d: int, seed: int, classes: int = 0) -> Dataset:
    rng = random.Random(seed)
    pts: set[tuple[int, ...]] = set()
    while len(pts) < n:
        pts.add(tuple(rng.randrange(16 if d == 1 else 8) for _ in range(d)))
    X = sorted(pts)
    if classes:
        labels = [rng.randrange(classes) for _ in X]
        return Dataset.from_rows(X, [[int(j == c) for j in range(classes)] for c in labels])
    return Dataset.from_rows(X, [rng.randrange(-9, 10) for _ in X])


@pytest.fixture(scope="module")
def regression() -> tuple[exactnet.Network, Dataset]:
    ds = grid_data(30, 2, 0)
    return exactnet.build(ds, exact_in="float64"), ds


@pytest.fixture(scope="module")
def classifier() -> tuple[exactnet.Network, Dataset]:
    ds = grid_data(24, 2, 1, classes=3)
    return exactnet.build(ds, exact_in="float64"), ds


def check_answers(net: exactnet.Network, found: list) -> None:
    """Each answer by the tests' own evaluator: the witness lies in the box and its exact outputs
    have the stated margin; sat answers' witnesses are unsafe; 300 random box points of an
    unsat instance are all safe."""
    rng = random.Random(3)
    for inst in found:
        p, a = inst.property, inst.answer
        assert all(lo <= x <= hi for lo, x, hi in zip(p.lower, a.witness, p.upper))
        y = forward(net, a.witness)
        assert a.clause.margin(a.clause.left(y)) == a.margin
        assert (a.verdict == "sat") == (a.margin >= 0) == (p.margin(y) >= 0)
        if a.verdict == "unsat":
            for _ in range(300):
                x = [F(lo) + (F(hi) - F(lo)) * Fraction(rng.randrange(65), 64) for lo, hi in zip(p.lower, p.upper)]
                assert p.margin(forward(net, x)) < 0


def test_regression_instances_have_exact_answers(regression) -> None:
    net, ds = regression
    found = instances(net, ds, points=4, radii=["0.5", 2], gaps=[1, "1/3"])
    assert len(found) == 4 * 2 * 2 * 4
    assert [i.answer.verdict for i in found[:4]] == ["unsat", "sat", "unsat", "sat"]
    check_answers(net, found)


def test_robustness_instances_straddle_the_critical_radius(classifier) -> None:
    net, ds = classifier
    found = instances(net, ds, points=5)
    assert found and len(found) % 2 == 0
    for unsat, sat in zip(found[::2], found[1::2]):
        assert (unsat.answer.verdict, sat.answer.verdict) == ("unsat", "sat")
        assert sat.radius >= 2 * unsat.radius and sat.row == unsat.row and sat.answer.margin > 0
    check_answers(net, found)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_answers_hold_on_random_data(seed: int, one_hot: bool) -> None:
    ds = grid_data(12, random.Random(seed).randint(1, 3), seed, classes=3 if one_hot else 0)
    net = exactnet.build(ds, construction=random.Random(seed).choice([None, "dyadic"]))
    check_answers(net, instances(net, ds, points=3, radii=["1/4"] if not one_hot else [], gaps=["1/2"]))


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**12, 10**12), st.integers(0, 40))
def test_decimals_are_exact(n: int, k: int) -> None:
    q = Q(n, 2**k)
    text = decimal(q)
    assert "." in text and to_rational(text) == q


def test_decimal_refuses_a_number_without_a_finite_decimal() -> None:
    with pytest.raises(ValueError, match="no finite decimal"):
        decimal(Q(1, 3))


def test_vnnlib_2_parses_with_the_vnnlib_package_and_1_0_does_not(classifier) -> None:
    net, ds = classifier
    for inst in instances(net, ds, points=2) + instances(*_regression_small(), points=1, radii=[1]):
        m = len(inst.answer.witness) and (3 if inst.kind == "robust" else 1)
        text = text_v2(inst.property, m)
        assert f"(declare-input X real [{len(inst.property.lower)}])" in text
        query = vnnlib.parse_query_string(text)
        case, = vnnlib.compat.transform(query)
        assert [tuple(map(to_rational, b)) for b in case.input_box] == list(zip(inst.property.lower,
                                                                                 inst.property.upper))
        assert len(case.output_constraints) == len(inst.property.clauses)
        with pytest.raises(vnnlib.VNNLibException):
            vnnlib.parse_query_string(text_v1(inst.property, m))


def _regression_small() -> tuple[exactnet.Network, Dataset]:
    ds = grid_data(6, 2, 5)
    return exactnet.build(ds, exact_in="float64"), ds


def test_the_folder_holds_the_exact_network_in_onnx(regression, tmp_path: Path) -> None:
    net, ds = regression
    found = instances(net, ds, points=3, radii=[1])
    write_benchmark(tmp_path / "bm", net, found, timeout=7)
    bm = tmp_path / "bm"
    model = onnx.load(bm / "onnx/network.onnx")
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for k, layer in enumerate(net.layers, start=1):
        assert [[to_rational(v) for v in row] for row in weights[f"W{k}"].T.tolist()] == \
               [list(row) for row in layer.weights]
        assert [to_rational(v) for v in weights[f"b{k}"].tolist()] == list(layer.bias)
    X = np.array([[float(v) for v in x] for x in ds.X])
    assert [[to_rational(v) for v in y] for y in run(str(bm / "onnx/network.onnx"), X).tolist()] == \
           [list(y) for y in ds.Y]  # the network is certified exact in float64 on its data
    lines = (bm / "instances.csv").read_text().splitlines()
    assert lines[0] == f"onnx/network.onnx,vnnlib/{found[0].name}.vnnlib,7"
    assert len(lines) == len(found) == len((bm / "expected.csv").read_text().splitlines()) - 1
    again, expected = read_benchmark(bm)
    assert again == net and [e.property for e in expected] == [i.property for i in found]


def test_a_network_not_exact_in_the_onnx_dtype_is_refused(tmp_path: Path) -> None:
    ds = grid_data(20, 2, 2)
    net = exactnet.build(ds)  # Theorem 3: rational weights
    found = instances(net, ds, points=1, radii=[1])
    with pytest.raises(ArgumentError, match="not exact in float64, so an ONNX file would be another network"):
        write_benchmark(tmp_path / "bm", net, found)
    assert not (tmp_path / "bm").exists() and not list(tmp_path.iterdir())


def answer_all(bm: Path, res: Path, flip: str | None = None) -> None:
    """Result files with the exact answers (sat with exactnet's witness as decimals)."""
    res.mkdir()
    info = json.loads((bm / "benchmark.json").read_text())
    for i in info["instances"]:
        verdict = i["expected"]
        if i["name"] == flip:
            verdict = "unsat" if verdict == "sat" else "sat"
        x = [float(to_rational(v)) for v in (i["witness"] if verdict == "sat" else [])]
        write_result(res / f"{i['name']}.txt", verdict, x, [])


def test_scoring_exact_answers_and_one_wrong(regression, tmp_path: Path) -> None:
    net, ds = regression
    found = instances(net, ds, points=2, radii=["1/2"], gaps=[1])
    bm = tmp_path / "bm"
    write_benchmark(bm, net, found)
    answer_all(bm, tmp_path / "right")
    s = score(bm, tmp_path / "right", tolerance=0)  # dyadic witnesses: exact as floats
    assert (s.count("correct"), s.count("wrong"), s.points) == (len(found), 0, 10 * len(found))
    result = runner.invoke(app, ["score", str(bm), str(tmp_path / "right")])
    assert result.exit_code == 0 and "points" in result.output
    unsat = next(i.name for i in found if i.answer.verdict == "unsat")
    answer_all(bm, tmp_path / "wrong", flip=unsat)
    s = score(bm, tmp_path / "wrong")
    assert [r.name for r in s.wrong] == [unsat] and s.points == 10 * (len(found) - 1) - 150
    result = runner.invoke(app, ["score", str(bm), str(tmp_path / "wrong")])
    assert result.exit_code == 1 and unsat in result.output


def test_a_sat_counterexample_is_checked_exactly(regression, tmp_path: Path) -> None:
    net, ds = regression
    found = [i for i in instances(net, ds, points=1, radii=["1/2"]) if i.answer.verdict == "sat"][:1]
    inst = found[0]
    bm = tmp_path / "bm"
    write_benchmark(bm, net, found)
    res = tmp_path / "res"
    res.mkdir()
    w = [F(v) for v in inst.answer.witness]
    cases = {
        "exact": (w, 0, "correct"),
        "outside the box": ([F(inst.property.upper[0]) + Fraction(1, 2**40), *w[1:]], 0, "wrong"),
        "the center (safe)": ([F(v) for v in ds.X[inst.row]], 0, "wrong"),
    }
    c = inst.answer.clause
    near = _point_at_level(net, inst.property, c.bound - Fraction(1, 2**30) * (1 if c.op == ">=" else -1), c.output)
    assert inst.property.outside(near) == 0 and inst.property.margin(forward(net, near)) == -Fraction(1, 2**30)
    cases["safe by 2^-30"] = (near, 0, "wrong")
    cases["safe by 2^-30, within 1e-6"] = (near, "1e-6", "correct")
    for what, (x, tol, outcome) in cases.items():
        (res / f"{inst.name}.txt").write_text("sat\n(" + "\n".join(f"(X_{k} {v.numerator}/{v.denominator})"
                                                                   for k, v in enumerate(x)) + ")\n")
        got = score(bm, res, tolerance=tol).rows[0]
        assert got.outcome == outcome, (what, got)
        assert got.within_tolerance == (what == "safe by 2^-30, within 1e-6")


def _point_at_level(net: exactnet.Network, prop: Property, level: Fraction, k: int) -> list[Fraction]:
    """A box point where output k equals ``level`` exactly: on the piece of y_k(t) that crosses it."""
    r = exactnet.output_range(net, prop.lower, prop.upper)
    ys = [F(v[k]) for v in r.values]
    ts = [F(t) for t in r.ts]
    i = next(i for i in range(len(ts) - 1) if (ys[i] - level) * (ys[i + 1] - level) <= 0 and ys[i] != ys[i + 1])
    t = ts[i] + (level - ys[i]) * (ts[i + 1] - ts[i]) / (ys[i + 1] - ys[i])
    return [F(v) for v in r.witness(Q(t.numerator, t.denominator))]


def test_result_files_in_every_spelling_and_malformed_ones(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    for text, want in (("holds\n", ("unsat", ())), ("TIMEOUT\n", ("timeout", ())), ("violated\n((X[0] 0.5)\n"
                       " (X[1] -1e-3) (Y_0 3))", ("sat", (Q(1, 2), Q(-1, 1000))))):
        f.write_text(text)
        assert parse_result(f, 2) == want
    for text, message in (("", "line 1 is ''"), ("maybe\n", "line 1 is 'maybe'"),
                          ("sat\n((X_0 1))", "no value for X_1"), ("sat\n((X_0 1) (X_1 nan))", "X_1 = 'nan'"),
                          ("sat\n((X_0 1) (X_1 2) (X_2 3))", "X_2 beyond the 2 inputs")):
        f.write_text(text)
        with pytest.raises(ArgumentError, match=message):
            parse_result(f, 2)


def test_score_bad_folders_exit_2(regression, tmp_path: Path) -> None:
    net, ds = regression
    bm = tmp_path / "bm"
    write_benchmark(bm, net, instances(net, ds, points=1, radii=[1]))
    res = tmp_path / "res"
    res.mkdir()
    (res / "0000_row0_above.txt").write_text("sat\n((X_0 1))\n")
    for args, message in (([str(tmp_path), str(res)], "no benchmark.json"),
                          ([str(bm), str(tmp_path / "none")], "no such results folder"),
                          ([str(bm), str(res), "--tolerance", "-1"], "--tolerance must be >= 0")):
        result = runner.invoke(app, ["score", *args])
        assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1


def test_a_malformed_or_escaping_result_file_is_that_instances_error_never_the_end_of_the_run(
        regression, tmp_path: Path) -> None:
    """A malformed file once aborted the whole run (exit 2); a counterexample of 1e305 raised
    OverflowError; result files behind links were read."""
    net, ds = regression
    bm = tmp_path / "bm"
    found = instances(net, ds, points=2, radii=[1])
    write_benchmark(bm, net, found)
    res = tmp_path / "res"
    res.mkdir()
    names = [i.name for i in found]
    (res / f"{names[0]}.txt").write_text("sat\n((X_0 1))\n")
    (res / f"{names[1]}.txt").write_text("timed-out\n")
    (res / f"{names[2]}.txt").write_text("sat\n((X_0 1e305) (X_1 1e305))\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("unsat\n")
    (res / f"{names[3]}.txt").symlink_to(outside)
    result = score(bm, res)
    rows = {r.name: r for r in result.rows}
    assert rows[names[0]].reported == "error" and "sat without a complete counterexample" in rows[names[0]].detail
    assert rows[names[1]].reported == "error" and "line 1 is 'timed-out'" in rows[names[1]].detail
    assert rows[names[0]].outcome == rows[names[1]].outcome == "unknown"
    assert rows[names[2]].reported == "sat" and "about 2^" in rows[names[2]].detail  # far outside the box
    assert rows[names[3]].reported == "missing"  # a link is not read
    cli = runner.invoke(app, ["score", str(bm), str(res)])
    assert cli.exit_code in (0, 1) and "Traceback" not in cli.output


def test_missing_results_are_unknown(regression, tmp_path: Path) -> None:
    net, ds = regression
    bm = tmp_path / "bm"
    found = instances(net, ds, points=1, radii=[1])
    write_benchmark(bm, net, found)
    (tmp_path / "res").mkdir()
    s = score(bm, tmp_path / "res")
    assert s.count("unknown") == len(found) and s.points == 0


def test_vnnlib_command_writes_the_folder_and_refuses_bad_input(tmp_path: Path) -> None:
    ds = grid_data(16, 2, 4)
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{x[0]},{x[1]},{y[0]}\n" for x, y in zip(ds.X, ds.Y)))
    exact, rational = tmp_path / "n.json", tmp_path / "t3.json"
    exactnet.build(ds, exact_in="float64").save(exact)
    exactnet.build(ds).save(rational)
    result = runner.invoke(app, ["vnnlib", str(exact), str(data), "-o", str(tmp_path / "bm"), "--points", "2",
                                 "--radius", "0.5", "--margin", "1", "--margin", "0.25", "-q"])
    assert result.exit_code == 0, result.output
    assert "16 (8 sat, 8 unsat)" in result.output
    assert len(list((tmp_path / "bm/vnnlib2").iterdir())) == 16
    for args, message in ((["--radius", "0"], "radius must be positive"), (["--radius", "nan"], "radius"),
                          (["--margin", "-1"], "margin must be positive"), (["--points", "0"], "--points"),
                          (["--dtype", "float16"], "use float64 or float32"),
                          (["--output-index", "3"], "--output-index 3 is not an output of a network with 1 output(s)")):
        result = runner.invoke(app, ["vnnlib", str(exact), str(data), "-o", str(tmp_path / "new"), *args])
        assert result.exit_code == 2 and message in result.output, (args, result.output)
        assert not (tmp_path / "new").exists()
    result = runner.invoke(app, ["vnnlib", str(rational), str(data), "-o", str(tmp_path / "new")])
    assert result.exit_code == 2 and "not exact in float64" in result.output and not (tmp_path / "new").exists()
    result = runner.invoke(app, ["vnnlib", str(exact), str(data), "-o", str(tmp_path / "bm")])
    assert result.exit_code == 2 and "exists and is not an empty folder" in result.output
    with pytest.raises(OutputPathError, match="does not exist"):
        write_benchmark(tmp_path / "no/such/bm", exactnet.Network.load(exact),
                        instances(exactnet.Network.load(exact), ds, points=1))


def test_range_command(tmp_path: Path) -> None:
    ds = grid_data(16, 2, 4)
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{x[0]},{x[1]},{y[0]}\n" for x, y in zip(ds.X, ds.Y)))
    net = exactnet.build(ds)
    net.save(tmp_path / "n.json")
    result = runner.invoke(app, ["range", str(tmp_path / "n.json"), "--box", "0:7", "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)["ranges"][0]
    r = exactnet.output_range(net, [0, 0], [7, 7]).outputs[0]
    assert (to_rational(got["min"]["value"]), to_rational(got["max"]["value"])) == (r.min.value, r.max.value)
    assert min(y[0] for y in ds.Y) >= r.min.value and max(y[0] for y in ds.Y) <= r.max.value
    result = runner.invoke(app, ["range", str(tmp_path / "n.json"), "--around", f"{data}:3", "--radius", "1/2"])
    assert result.exit_code == 0 and "y_0" in result.output
    for args, message in ((["--box", "0:1,0:1,0:1"], "3 intervals; the network has 2 inputs"),
                          (["--box", "1:0"], "lower bound 1 is above upper bound 0"),
                          (["--box", "0:nan"], "not a finite number"),
                          (["--around", f"{data}:3", "--radius", "-1"], "radius must be positive"),
                          (["--around", f"{data}:99", "--radius", "1"], "has 16 rows, not 99"),
                          ([], "give --box")):
        result = runner.invoke(app, ["range", str(tmp_path / "n.json"), *args])
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    two_rows = exactnet.Network((exactnet.Layer(((Q(1), Q(0)), (Q(0), Q(1))), (Q(0), Q(0)), "relu"),
                                 exactnet.Layer(((Q(1), Q(1)),), (Q(0),), "linear")))
    two_rows.save(tmp_path / "general.json")
    result = runner.invoke(app, ["range", str(tmp_path / "general.json"), "--box", "0:1"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "not multiples of one row" in result.output


@pytest.mark.parametrize("kind", ["regression", "classifier"])
def test_marabou_answers_small_instances_and_scores_all_correct(kind: str, request, tmp_path: Path) -> None:
    """Marabou reads the ONNX file and each VNN-LIB 1.0 file itself; exactnet score checks it."""
    assert marabou.available(), "maraboupy is part of the test extra"
    net, ds = request.getfixturevalue(kind)
    found = instances(net, ds, points=2, radii=["1/8"] if kind == "regression" else [], gaps=[1])[:6]
    bm, res = tmp_path / "bm", tmp_path / "res"
    write_benchmark(bm, net, found)
    res.mkdir()
    verdicts = []
    for inst in found:
        verdict, x, y, _ = marabou.solve(bm / "onnx/network.onnx", bm / f"vnnlib/{inst.name}.vnnlib", timeout=20)
        write_result(res / f"{inst.name}.txt", verdict, x, y)
        verdicts.append(verdict)
    s = score(bm, res)
    assert s.count("wrong") == 0 and s.count("correct") == len(found), (verdicts, s.rows)
    assert {"sat", "unsat"} <= set(verdicts)


def test_properties_reject_an_empty_disjunction() -> None:
    from exactnet.instances.property import answer
    net = exactnet.build([[0], [1]], [0, 1])
    with pytest.raises(ArgumentError, match="at least one clause"):
        answer(Property((Q(0),), (Q(1),), ()), exactnet.output_range(net, [0], [1]))
    assert Clause(0, "<=", Q(1)).margin(Q(0)) == 1


def test_vnnlib_says_whether_the_float32_evaluation_is_exact_not_only_the_weights(tmp_path: Path) -> None:
    from exactnet.data.synthetic import integer_data

    said = {}
    for n, d in ((20, 2), (300, 3)):  # float64-exact networks: spans 17 and 32, weights float32 numbers
        ds = integer_data(n, d, 2)
        data = tmp_path / f"d{n}.csv"
        data.write_text("".join(f"{','.join(str(v) for v in x)},{y[0]}\n" for x, y in zip(ds.X, ds.Y)))
        path = tmp_path / f"n{n}.json"
        exactnet.build(ds, exact_in="float64").save(path)
        result = runner.invoke(app, ["vnnlib", str(path), str(data), "-o", str(tmp_path / f"b{n}"), "--points", "1",
                                     "--radius", "0.5", "--dtype", "float32", "-q"])
        assert result.exit_code == 0, result.output
        bench = json.loads((tmp_path / f"b{n}" / "benchmark.json").read_text())
        assert bench["weights_exact_in"] == "float32"
        said[n] = (result.output, bench["evaluation_exact_on_data_in"])
    assert "float32 evaluation │ exact on the data" in said[20][0] and "binary32" in said[20][1]
    assert "float32 evaluation │ NOT exact on the data" in said[300][0] and "binary32" not in said[300][1]
    assert "span 32 > 24" in said[300][0]


@given(st.integers(1, 5000), st.integers(1, 200000))
def test_spread_rows_gives_min_points_n_distinct_rows_over_the_whole_data(n, points):
    """--points 4000 on 2,000 rows once made instances from rows 0-999 only."""
    from exactnet.instances.generate import spread_rows

    rows = spread_rows(n, points)
    assert len(rows) == min(n, points) and rows == sorted(set(rows)) and 0 <= rows[0] and rows[-1] < n
    if points >= n:
        assert rows == list(range(n))


def test_vnnlib_refuses_data_other_than_the_networks(tmp_path: Path) -> None:
    """Shifted labels once gave trivially-sat instances without a word."""
    ds = grid_data(16, 2, 4)
    net_path = tmp_path / "n.json"
    exactnet.build(ds, exact_in="float64").save(net_path)
    shifted = tmp_path / "shifted.csv"
    shifted.write_text("".join(f"{x[0]},{x[1]},{y[0] + 1}\n" for x, y in zip(ds.X, ds.Y)))
    result = runner.invoke(app, ["vnnlib", str(net_path), str(shifted), "-o", str(tmp_path / "bm"), "-q"])
    assert result.exit_code == 2 and "these data are not the data the network was built from" in result.output
    assert not (tmp_path / "bm").exists()


@pytest.fixture(scope="module")
def bench_folder(tmp_path_factory) -> Path:
    ds = grid_data(16, 2, 4)
    net = exactnet.build(ds, exact_in="float64")
    folder = tmp_path_factory.mktemp("bench") / "bm"
    write_benchmark(folder, net, instances(net, ds, points=2, radii=[Q(1, 2)], gaps=[1]))
    return folder


def _edited(folder: Path, tmp_path: Path, edit) -> Path:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    obj = json.loads((copy / "benchmark.json").read_text())
    edit(obj)
    (copy / "benchmark.json").write_text(json.dumps(obj))
    return copy


def test_a_flipped_answer_key_is_refused_never_scored(bench_folder: Path, tmp_path: Path) -> None:
    def flip(obj):
        first = obj["instances"][0]
        first["expected"] = "unsat" if first["expected"] == "sat" else "sat"

    copy = _edited(bench_folder, tmp_path, flip)
    with pytest.raises(ArgumentError, match=r"instance 1 \(.*\) says (sat|unsat), but the network and its property "
                                            r"give (sat|unsat): the answer key does not hold"):
        read_benchmark(copy)
    (tmp_path / "results").mkdir()
    r = runner.invoke(app, ["score", str(copy), str(tmp_path / "results")])
    assert r.exit_code == 2 and "the answer key does not hold" in r.output


@pytest.mark.parametrize("edit, message", [
    (lambda o: o["instances"][0]["clauses"][0].update(output=7), "clause output 7 is not an output"),
    (lambda o: o["instances"][0]["clauses"][0].update(output=-1), "clause output -1 is not an output"),
    (lambda o: o["instances"][0]["clauses"][0].update(op="=="), "clause op '==', expected"),
    (lambda o: o["instances"][0].update(clauses=[]), "has no clause"),
    (lambda o: o["instances"][0].update(name="../../etc/passwd"), "is not a plain file name"),
    (lambda o: o.update(network="../bm/network.json"), "is not a regular file inside"),
])
def test_malformed_clauses_are_one_line_errors(bench_folder: Path, tmp_path: Path, edit, message) -> None:
    with pytest.raises(ArgumentError, match=re.escape(message)):
        read_benchmark(_edited(bench_folder, tmp_path, edit))


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-3, 9) | st.text(max_size=4) | st.floats(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=3), max_leaves=8),
       st.sampled_from(["expected", "clauses", "lower", "upper", "name", "instances", "network", "version"]))
def test_no_benchmark_json_makes_the_reader_raise_anything_but_its_one_line_error(bench_folder, value, key):
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(bench_folder, copy)
        obj = json.loads((copy / "benchmark.json").read_text())
        target = obj if key in ("instances", "network", "version") else obj["instances"][0]
        target[key] = value
        (copy / "benchmark.json").write_text(json.dumps(obj))
        try:
            read_benchmark(copy)
        except ArgumentError as e:
            assert "\n" not in str(e)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200).map(str.encode) | st.binary(max_size=200))
def test_no_result_file_makes_the_reader_raise_anything_but_its_one_line_error(content: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.txt"
        path.write_bytes(content)
        try:
            verdict, x = parse_result(path, 2)
            assert verdict in ("sat", "unsat", "timeout", "unknown", "error") and len(x) in (0, 2)
        except ArgumentError as e:
            assert "\n" not in str(e)


@given(st.sampled_from(["sat", "SAT", "violated"]), st.lists(st.sampled_from(
    ["1e305", "-1e-320", "0x1p3", "1/0", "nan", "inf", "9" * 400, "1e99999999", "-0", "+.5e-3"]), min_size=2,
    max_size=2))
def test_counterexample_values_of_any_size_are_read_exactly_or_refused(tmp_path_factory, head, values) -> None:
    path = tmp_path_factory.mktemp("r") / "r.txt"
    path.write_text(f"{head}\n((X_0 {values[0]}) (X_1 {values[1]}))\n")
    try:
        verdict, x = parse_result(path, 2)
        assert verdict == "sat" and len(x) == 2
    except ArgumentError as e:
        assert "\n" not in str(e) and str(path) in str(e)


def test_benchmark_json_nested_100000_deep_is_a_one_line_error(bench_folder: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "deep"
    shutil.copytree(bench_folder, copy)
    (copy / "benchmark.json").write_text('{"format": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(ArgumentError, match="benchmark.json: malformed \\(RecursionError"):
        read_benchmark(copy)
