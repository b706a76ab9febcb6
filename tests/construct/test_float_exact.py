"""Networks exact in float64 and int64: the dyadic construction, the bit-span certificate, the
verifier's paths, and the exports run by their real consumers."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import numpy as np
import pytest
from exactnet_cli.main import app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import forward, layers, moved
from typer.testing import CliRunner

import exactnet
from exactnet.capacity import smallest_two_layer
from exactnet.construct.dyadic import build_dyadic, dyadic_capacity
from exactnet.construct.exact_in import span_bound
from exactnet.data.dataset import Dataset
from exactnet.data.synthetic import integer_data
from exactnet.errors import CapacityError, DataError
from exactnet.export import ExportError
from exactnet.export.c import int64_header
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier import span, verify

runner = CliRunner()


def oracle_spans(net: Network, X) -> list[int]:
    """The span by its definition, with Fractions and no grid shortcuts of the library."""
    def e(q: Fraction) -> int:
        k = 0
        while (q * Fraction(2) ** k).denominator != 1:
            k += 1
        while k > -200 and (q * Fraction(2) ** (k - 1)).denominator == 1:
            k -= 1
        return k
    acts = [[Fraction(int(a.numerator), int(a.denominator)) for a in x] for x in X]
    G = max((e(a) for row in acts for a in row if a), default=0)
    out = []
    for W, b, relu in layers(net):
        fw = max((e(w) for row in W for w in row if w), default=None)
        fb = max((e(v) for v in b if v), default=None)
        G = max((g for g in ((None if fw is None else fw + G), fb) if g is not None), default=G)
        M = max(sum((abs(w) * abs(a) for w, a in zip(row, x)), abs(bo)) for x in acts for row, bo in zip(W, b))
        out.append(int(M * Fraction(2) ** G).bit_length())
        acts = [[max(v, Fraction(0)) if relu else v for v in (sum((w * a for w, a in zip(row, x)), bo)
                                                              for row, bo in zip(W, b))] for x in acts]
    return out


def float_forward(net: Network, X, perm_seed: int | None = None) -> np.ndarray:
    """numpy float64 evaluation; with ``perm_seed`` the hidden units are permuted (another
    summation order) and each dot product is summed right to left in Python floats."""
    arrays = [(np.array(W, dtype=float), np.array(b, dtype=float), relu) for W, b, relu in layers(net)]
    if perm_seed is not None:
        rng = np.random.default_rng(perm_seed)
        for k in range(len(arrays) - 1):
            p = rng.permutation(arrays[k][0].shape[0])
            W, b, relu = arrays[k]
            arrays[k] = (W[p], b[p], relu)
            Wn, bn, rn = arrays[k + 1]
            arrays[k + 1] = (Wn[:, p], bn, rn)
    A = np.array([[float(Fraction(int(v.numerator), int(v.denominator))) for v in x] for x in X])
    for W, b, relu in arrays:
        if perm_seed is None:
            A = A @ W.T + b
        else:
            A = np.array([[sum(reversed([w * a for w, a in zip(row, x)]), 0.0) + bo for row, bo in zip(W, b)]
                          for x in A])
        A = np.maximum(A, 0.0) if relu else A
    return A


@st.composite
def integer_cases(draw):
    d = draw(st.integers(1, 8))
    m = draw(st.integers(1, 4))
    a1 = draw(st.integers(1, 12))
    a2 = draw(st.integers(m, 12))
    cap = dyadic_capacity(a1, a2, m)
    n = draw(st.integers(1, min(cap, 300)))
    at_capacity = draw(st.booleans())
    n = min(cap, 300) if at_capacity else n
    seed = draw(st.integers(0, 2**16))
    rng = random.Random(seed)
    X: set[tuple[int, ...]] = set()
    while len(X) < n:
        X.add(tuple(rng.randint(-50, 50) for _ in range(d)))
    Y = [[rng.randint(-1000, 1000) for _ in range(m)] for _ in X]
    return Dataset.from_rows(sorted(X), Y), a1, a2


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(integer_cases())
def test_certificate_holds_and_float64_equals_the_outputs_in_two_orders(case):
    data, a1, a2 = case
    net = exactnet.build(data, a1=a1, a2=a2, exact_in="float64")
    assert net.widths == [a1, a2]
    cert = verify(net, data)
    assert cert.exact and cert.arithmetic.binary64 and cert.arithmetic.int64
    assert cert.engine == ("float32" if cert.arithmetic.holds("float32") else "float64")
    Y = np.array([[float(v) for v in y] for y in data.Y])
    assert np.array_equal(float_forward(net, data.X), Y)
    assert np.array_equal(float_forward(net, data.X, perm_seed=1), Y)
    assert all(all(w.denominator == 1 for w in L.numbers()) for L in net.layers)  # integer data: integer weights


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(integer_cases())
def test_span_matches_its_definition_and_the_bound_never_undercuts_it(case):
    data, a1, a2 = case
    parts = build_dyadic(data, a1, a2)
    spans = oracle_spans(parts.network, data.X)
    cert = verify(parts.network, data)
    assert list(cert.arithmetic.spans) == spans
    assert all(b >= s for b, s in zip(span_bound(parts, data).spans, spans))
    for x, y in zip(data.X, data.Y):
        assert forward(parts.network, x) == [Fraction(int(v.numerator), int(v.denominator)) for v in y]


@st.composite
def dyadic_networks(draw):
    """Random small networks with dyadic weights (some not binary64) and dyadic data."""
    d, h, m = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 2))
    num = st.integers(-2**60, 2**60)
    dy = st.builds(lambda n, e: Q(n, 2**e), num, st.integers(0, 70))
    shape = draw(st.sampled_from(["random", "one row", "one row but one entry"]))
    if shape == "random":
        W1 = [[draw(dy) for _ in range(d)] for _ in range(h)]
    else:  # every row a multiple of one row, as exactnet builds them (the prefix-sum path applies)
        base = [draw(dy) for _ in range(d)]
        W1 = [[a * v for v in base] for a in (draw(st.builds(lambda n, e: Q(n, 2**e), st.integers(-4, 4),
                                                             st.integers(0, 3))) for _ in range(h))]
        if shape == "one row but one entry":
            W1[-1][0] += Q(1, 2**draw(st.integers(0, 70)))
    W2 = [[draw(dy) for _ in range(h)] for _ in range(m)]
    net = Network((Layer(tuple(map(tuple, W1)), tuple(draw(dy) for _ in range(h)), "relu"),
                   Layer(tuple(map(tuple, W2)), tuple(draw(dy) for _ in range(m)), "linear")))
    n = draw(st.integers(1, 6))
    X = list({tuple(draw(st.builds(lambda a, e: Q(a, 2**e), st.integers(-99, 99), st.integers(0, 8)))
                    for _ in range(d)) for _ in range(n)})
    Y = [forward(net, x) for x in X]
    if draw(st.booleans()):  # a wrong output on one point
        Y[0] = [Y[0][0] + Fraction(1, 2**100)] + Y[0][1:]
    return net, Dataset.from_rows(X, Y)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(dyadic_networks())
def test_every_path_gives_the_same_certificate(case):
    net, data = case
    certs = [verify(net, data, engine=e) for e in ("float64", "prefix", "integer", "flint", "python")]
    first = certs[0]
    for c in certs[1:]:
        assert (c.exact, c.max_error, c.failed, c.failures, c.arithmetic) == \
               (first.exact, first.max_error, first.failed, first.failures, first.arithmetic)
    assert list(first.arithmetic.spans) == oracle_spans(net, data.X)
    held = "binary64" not in span.not_representable(net, data.X)
    assert first.arithmetic.binary64 == (first.arithmetic.span <= 53 and held)


@pytest.fixture(scope="module")
def float_exact_case():
    data = integer_data(400, 5, 3)
    return exactnet.build(data, exact_in="float64"), data


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_a_weight_moved_by_2_to_the_minus_40_fails_both_exact_and_float_paths(float_exact_case, layer):
    net, data = float_exact_case
    row = next(i for i, r in enumerate(net.layers[layer].weights) if any(r))
    col = next(j for j, w in enumerate(net.layers[layer].weights[row]) if w)
    bad = moved(net, layer, row, col, Q(1, 2**40))
    exact = verify(bad, data, engine="flint")
    floated = verify(bad, data, engine="float64")
    assert not exact.exact and not floated.exact
    assert (exact.failed, exact.max_error) == (floated.failed, floated.max_error)
    # the moved weight puts its layer on a 2^-40 grid: no binary64 certificate, the exact path decides
    assert not floated.arithmetic.binary64
    assert floated.engine == ("integer" if layer == 0 else "prefix")  # a moved first-layer entry breaks w
    assert floated.arithmetic.grids.layers[layer] >= 40


def test_a_weight_that_is_not_a_binary64_number_voids_the_float_certificate(float_exact_case):
    net, data = float_exact_case
    bad = moved(net, 1, 0, 0, Q(1, 2**80))  # the float path would round it back and see no error
    cert = verify(bad, data)
    assert not cert.arithmetic.binary64 and cert.engine == "prefix"
    assert "layer 2 weight [0][0]" in cert.arithmetic.summary("binary64")


def test_theorem3_networks_are_exact_in_rationals_only_and_still_verify(seed_data):
    net = exactnet.build(seed_data, a1=3, a2=3)
    cert = verify(net, seed_data)
    assert cert.exact and cert.engine == "piecewise"  # its first-layer rows are multiples of one row
    assert not cert.arithmetic.binary64 and cert.arithmetic.span is None and "not dyadic" in cert.arithmetic.reason


def test_fewest_neurons_within_1_6_times_theorem3_and_the_chosen_widths_are_minimal(float_exact_case):
    net, data = float_exact_case
    a1, a2 = net.widths
    t1, t2 = smallest_two_layer(data.n)
    assert a1 + a2 <= 1.6 * (t1 + t2)
    fewest = min(c1 + c2 for c1 in range(1, 60) for c2 in range(1, 60) if dyadic_capacity(c1, c2) >= data.n)
    assert a1 + a2 == fewest


def test_span_too_large_for_float64_is_refused_and_int64_accepted():
    rng = random.Random(5)
    X = [[i, rng.randint(0, 9)] for i in range(40)]
    Y = [rng.randint(-2**50, 2**50) for _ in X]  # steep zig-zags
    data = Dataset.from_rows(X, Y)
    with pytest.raises(CapacityError, match=r"span \d+ > 53.*int64 or rational"):
        exactnet.build(data, exact_in="float64")
    net = exactnet.build(data, exact_in="int64")
    cert = verify(net, data)
    assert cert.exact and cert.arithmetic.int64 and not cert.arithmetic.binary64


def test_data_no_binary_float_holds_is_refused_naming_the_cell():
    data = Dataset.from_rows([[1, 2], [3, 4]], [5, "1/10"])
    with pytest.raises(DataError, match=r"row 2, output column 1: 1/10 .*\.npy"):
        exactnet.build(data, exact_in="float64")
    with pytest.raises(DataError, match="row 2, output column 1"):
        exactnet.build(data, exact_in="int64")
    assert verify(exactnet.build(data, construction="dyadic"), data).exact  # any rationals, short weights


def test_several_outputs_with_a_leftover_point_are_exact_in_float64():
    data = integer_data(9, 3, 1, outputs=3)  # capacity 4 segments * (7 div 3) + (7 mod 3) = 9
    net = exactnet.build(data, a1=7, a2=7, exact_in="float64")
    assert dyadic_capacity(7, 7, 3) == 9 and net.meta["extra_points"] == 1
    cert = verify(net, data)
    assert cert.exact and cert.arithmetic.binary64


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_build_exact_in_float64_verify_and_inspect(tmp_path):
    data = integer_data(300, 4, 2)
    path = tmp_path / "d.npz"
    np.savez(path, X=np.array([[float(v) for v in x] for x in data.X]), Y=np.array([float(y[0]) for y in data.Y]))
    result = run("build", path, "--exact-in", "float64", "-o", tmp_path / "n.json")
    assert result.exit_code == 0, result.output
    assert "fewest neurons" in result.output and "yes: span" in result.output and "float64 path" in result.output
    checked = run("verify", tmp_path / "n.json", path)
    assert checked.exit_code == 0 and "exact in float64" in checked.output and "float64" in checked.output
    assert run("inspect", tmp_path / "n.json").exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["--exact-in", "float64", "--a1", "1", "--a2", "1"], "capacity"),
    (["--exact-in", "float64", "--construction", "theorem3"], "needs the dyadic construction"),
    (["--exact-in", "float128"], "unknown arithmetic"),
])
def test_cli_build_exact_in_refusals_exit_2_with_one_line(tmp_path, args, message):
    path = tmp_path / "d.csv"
    path.write_text("1,2,3\n4,5,6\n7,8,-9\n")
    result = run("build", path, "-o", tmp_path / "n.json", *args)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "n.json").exists()


def test_cli_decimal_data_with_exact_in_names_the_cell(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("1,2,3\n4,5,0.1\n")
    result = run("build", path, "--exact-in", "float64", "-o", tmp_path / "n.json")
    assert result.exit_code == 2 and "row 2, output column 1: 1/10" in result.output and ".npy" in result.output


def test_float64_onnx_is_exact_in_onnxruntime(float_exact_case, tmp_path):
    pytest.importorskip("onnxruntime")
    net, data = float_exact_case
    report = exactnet.export_network(net, tmp_path / "n.onnx", "float64", data=data)
    assert report.runtime is not None and report.runtime.overall == 0 and report.arithmetic.overall == 0
    assert any("weights exact in float64" in n for n in report.notes)
    assert any("binary64 certificate on the data" in n and "yes" in n for n in report.notes)
    assert report.bound == (0,)  # proven: no estimate needed


def test_one_weight_moved_by_one_ulp_is_caught_by_verify_and_by_the_float64_export(float_exact_case, tmp_path):
    pytest.importorskip("onnxruntime")
    net, data = float_exact_case
    w = float(net.layers[2].weights[0][0])
    up = Fraction(float(np.nextafter(w, np.inf))) - Fraction(w)  # one float64 ulp: still a binary64 weight
    tampered = moved(net, 2, 0, 0, Q(up.numerator, up.denominator))
    cert = verify(tampered, data)
    exact = max(abs(forward(tampered, x)[0] - Fraction(int(y[0]))) for x, y in zip(data.X, data.Y))
    assert not cert.exact and cert.max_error == exact > 0
    assert not cert.arithmetic.binary64  # the ulp puts the last layer on the grid 2^-52: span beyond 53
    report = exactnet.export_network(tampered, tmp_path / "t.onnx", "float64", data=data)
    assert report.rounding.overall == exact  # binary64 weights: rounding changes nothing, the error is the ulp's
    assert report.runtime.overall > 0 and report.arithmetic.overall > 0  # visible to onnxruntime and numpy


def test_float32_report_says_whether_every_weight_is_a_float32(float_exact_case, tmp_path):
    net, data = float_exact_case
    report = exactnet.export_network(net, tmp_path / "n.npz", "float32", data=data)
    big = max(abs(w) for L in net.layers for w in L.numbers())
    expected = "weights exact in float32" if big < 2**24 else "weights rounded to float32"
    assert any(n.startswith(expected) for n in report.notes)


def test_c_double_and_int64_headers_compiled_by_gcc_are_exact(float_exact_case, tmp_path):
    from export_helpers import MAIN_INT64, compiler, run_c

    if compiler() is None:
        pytest.skip("no C compiler")
    net, data = float_exact_case
    from exactnet.export import c, int64
    from exactnet.export.dtypes import FLOATS
    from exactnet.export.rounding import round_network

    rows = [[float(v).hex() for v in x] for x in data.X]
    lines = run_c(c.header(round_network(net, FLOATS["float64"])), rows, tmp_path, fixed=False)
    assert [[float.fromhex(v) for v in line.split()] for line in lines] == [[float(v) for v in y] for y in data.Y]
    form = int64.build(net, data)
    (tmp_path / "i").mkdir()
    xi = int64.scaled_inputs(form, data.X)
    lines = run_c(int64_header(form), [[str(v) for v in x] for x in xi.tolist()], tmp_path / "i", fixed=True,
                  driver=MAIN_INT64)
    unit = 2 ** form.grids[-1]
    assert [[Fraction(int(v), unit) for v in line.split()] for line in lines] == \
           [[Fraction(int(v.numerator), int(v.denominator)) for v in y] for y in data.Y]



def test_int64_export_is_refused_without_the_certificate(tmp_path):
    W = ((Q(2**70 + 1),),)  # 71 significant bits on the unit grid (2^70 alone would sit on a coarse grid)
    net = Network((Layer(W, (Q(0),), "relu"), Layer(((Q(1),),), (Q(0),), "linear")))
    data = Dataset.from_rows([[1]], [2**70 + 1])
    with pytest.raises(ExportError, match="int64 certificate"):
        exactnet.export_network(net, tmp_path / "n.h", "int64", data=data)
    assert not (tmp_path / "n.h").exists()


def test_plan_exact_in_puts_both_constructions_side_by_side():
    from exactnet.analysis.plan_exact import plan_exact_in

    report = plan_exact_in(2000, 1, 5, "float64")
    theorem3, dyadic, bucketed = report.rows
    assert bucketed["construction"] == "bucketed (float32)" and bucketed["exact"].startswith("float32")
    assert theorem3["exact"] == "rational" and theorem3["span"] is None
    assert dyadic["span_from"] == "measured" and dyadic["span"] <= 53 and "float64" in dyadic["exact"]
    assert theorem3["neurons"] < dyadic["neurons"] <= 1.6 * theorem3["neurons"]
    assert dyadic["capacity"] >= 2000 and dyadic["bits"] < theorem3["bits"]
    predicted = plan_exact_in(10**6, 1, 5, "int64").rows[1]
    assert predicted["span_from"].startswith("predicted") and predicted["span"] > dyadic["span"]
    cli = run("plan", "--points", "300", "--exact-in", "float64", "-f", "json")
    assert cli.exit_code == 0 and '"dyadic"' in cli.output and '"theorem3"' in cli.output


def test_inspect_shows_the_span_stored_and_measured(tmp_path):
    data = integer_data(50, 3, 1)
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"X": [[int(v) for v in x] for x in data.X], "Y": [int(y[0]) for y in data.Y]}))
    assert run("build", path, "--exact-in", "int64", "-o", tmp_path / "n.json").exit_code == 0
    stored = run("inspect", tmp_path / "n.json")
    assert stored.exit_code == 0 and "bit span (stored at build)" in stored.output
    measured = run("inspect", tmp_path / "n.json", "--data", path)
    assert measured.exit_code == 0 and "exact in int64" in measured.output and "yes: span" in measured.output


@pytest.mark.parametrize("engine", ["float64", "prefix", "integer"])
def test_spans_and_errors_are_carried_across_blocks(float_exact_case, engine, monkeypatch):
    import importlib

    net, data = float_exact_case
    bad = moved(net, 2, 0, 0, Q(1, 2**30))  # every point off; the worst one in some middle block
    whole = [verify(n, data, engine=engine) for n in (net, bad)]
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.dyadic"), "BLOCK", 7)
    small = [verify(n, data, engine=engine) for n in (net, bad)]
    for a, b in zip(whole, small):
        assert (a.engine, a.arithmetic, a.max_error, a.failed, a.failures) == \
               (b.engine, b.arithmetic, b.max_error, b.failed, b.failures)
    assert small[0].engine == engine and small[0].arithmetic.binary64


@pytest.mark.parametrize("engine", ["prefix", "integer", "flint"])
def test_huge_inputs_times_zero_slopes_stay_exact(engine):
    """Found by the path-agreement property test: t beyond int64 times an all-zero slope table
    passed the bound check and overflowed when cast to int64."""
    net = Network((Layer(((Q(1),),), (Q(0),), "relu"), Layer(((Q(0),),), (Q(1),), "relu"),
                   Layer(((Q(1),),), (Q(0),), "linear")))
    data = Dataset.from_rows([[2**70], [3], [-(2**90)]], [1, 1, 1])
    cert = verify(net, data, engine=engine)
    assert cert.exact and list(cert.arithmetic.spans) == oracle_spans(net, data.X)
    wide = Network((Layer(((Q(2**70 + 1),),), (Q(0),), "relu"), Layer(((Q(1),),), (Q(0),), "linear")))
    assert verify(wide, Dataset.from_rows([[0], [1]], [0, 2**70 + 1]), engine=engine).exact  # huge A, t = 0


def test_the_zero_piece_function_is_zero_everywhere():
    from exactnet.construct.dyadic import Piecewise

    breaks = (Q(-3), Q(0), Q(5, 2), Q(9))
    zero = Piecewise.zero(breaks)
    assert all(zero.at(breaks, t) == 0 for t in (Q(-3), Q(-1), Q(0), Q(2), Q(9), Q(100)))
