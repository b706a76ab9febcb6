from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactnet
from exactnet.data.strategies import datasets, networks
from exactnet.data.synthetic import integer_data
from exactnet.errors import DataError
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier import verify
from exactnet.verifier.general import evaluate_all


def _tamper(net: Network, layer: int, row: int, col: int, delta) -> Network:
    layers = list(net.layers)
    L = layers[layer]
    weights = [list(r) for r in L.weights]
    weights[row][col] += delta
    layers[layer] = Layer(tuple(map(tuple, weights)), L.bias, L.activation)
    return Network(tuple(layers), net.meta)


@pytest.mark.parametrize("engine", ["flint", "python"])
@pytest.mark.parametrize("layer", [0, 1, 2])
def test_a_single_wrong_weight_is_caught(engine, layer):
    data = integer_data(36, 5, 2)
    net = exactnet.build(data, a1=6, a2=6)
    assert verify(net, data, engine=engine).exact
    bad = _tamper(net, layer, 0, 0, Q(1, 10**9))
    cert = verify(bad, data, engine=engine)
    assert not cert.exact and cert.failed >= 1 and cert.max_error > 0
    f = cert.failures[0]
    exact_out = bad(data.X[f.index])
    assert list(f.got) == exact_out and f.difference[0] == exact_out[0] - data.Y[f.index][0]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_engines_agree_with_the_plain_evaluator(draw):
    net = draw.draw(networks(max_width=4))
    data = draw.draw(datasets(min_dim=net.input_dim, max_dim=net.input_dim, max_points=8))
    expected = [tuple(Fraction(int(v.numerator), int(v.denominator)) for v in net(x)) for x in data.X]
    assert evaluate_all(net, data.X, engine="flint") == expected
    assert evaluate_all(net, data.X, engine="python") == expected


def test_certificate_records_digests_and_exact_error():
    data = integer_data(9, 5, 0)
    net = exactnet.build(data, a1=3, a2=3)
    cert = verify(net, data)
    assert cert.network_sha256 == verify(net.with_meta(other="meta"), data).network_sha256  # meta is not the network
    assert cert.data_sha256 == data.digest() and cert.points == 9
    shifted = Network(net.layers[:2] + (Layer(net.layers[2].weights, (net.layers[2].bias[0] + Q(1, 3),), "linear"),))
    cert = verify(shifted, data)
    assert cert.failed == 9 and cert.max_error == Fraction(1, 3) and len(cert.failures) == 9
    assert len(verify(shifted, data, keep=2).failures) == 2


def test_shape_mismatch_is_one_data_error_in_verify_export_analysis_and_instances():
    from exactnet.analysis.regions import analyse
    from exactnet.export.dtypes import parse_dtype
    from exactnet.export.measure import measure
    from exactnet.instances.generate import instances

    net = exactnet.build(integer_data(4, 3, 0))
    wrong = "the network maps 3 -> 1 values but the data has 2 input and 1 output column(s)"
    for check in (lambda: verify(net, integer_data(4, 2, 0)), lambda: measure(net, parse_dtype("float64"),
                  integer_data(4, 2, 0)), lambda: instances(net, integer_data(4, 2, 0), radii=[Q(1)])):
        with pytest.raises(DataError) as e:
            check()
        assert str(e.value) == wrong
    with pytest.raises(DataError, match=r"maps 3 inputs to values but the data has 2 input"):
        analyse(net, integer_data(4, 2, 0))
    with pytest.raises(DataError, match=r"maps 3 -> 2 values but the data has 3 input and 1 output"):
        integer_data(4, 3, 0).check_fits(3, 2)


def test_an_unknown_engine_is_an_error_in_verify_and_in_the_evaluator():
    data = integer_data(4, 3, 0)
    net = exactnet.build(data)
    with pytest.raises(ValueError, match="unknown engine 'fast'"):
        verify(net, data, engine="fast")
    with pytest.raises(ValueError, match="unknown engine 'fast'"):
        evaluate_all(net, data.X, engine="fast")
    assert verify(net, data, engine=None).engine == "piecewise"


def test_the_arithmetic_verdict_reads_the_same_in_json_and_in_words():
    from exactnet.verifier.span import Arithmetic, Grids, verdict

    g = Grids(0, (0, 3), (0, 3))
    ints = [([[1]], [0]), ([[1 << 62]], [0])]
    wide = [([[1]], [0]), ([[1 << 63]], [0])]
    third = "layer 2 weight [0][0] (1/3) is not a binary64 number"
    cases = {
        "fits all floats": verdict((5, 8), g, ints, {}),
        "binary32 and up": verdict((20, 24), g, ints, {}),
        "int64 only": verdict((20, 60), g, ints, {}),
        "neither": verdict((20, 70), g, ints, {}),
        "weight not binary64": verdict((20, 53), g, ints, {"binary64": third}),
        "not dyadic": Arithmetic.not_dyadic("input row 1, column 1 (1/3) is not dyadic"),
        "weight too wide for int64": verdict((20, 50), g, wide, {}),
    }
    floats = ("binary64", "binary32", "binary16", "bfloat16")
    holds = {k: tuple(t for t in (*floats, "int64") if a.holds(t)) for k, a in cases.items()}
    assert holds == {
        "fits all floats": (*floats, "int64"),
        "binary32 and up": ("binary64", "binary32", "int64"),
        "int64 only": ("int64",),
        "neither": (),
        "weight not binary64": ("int64",),
        "not dyadic": (),
        "weight too wide for int64": ("binary64",),
    }
    assert cases["int64 only"].to_json() == {
        "span": 60, "spans": [20, 60], "grids": [0, 0, 3], "binary64": False, "binary32": False, "binary16": False,
        "bfloat16": False, "int64": True,
        "reasons": {"binary64": "span 60 > 53", "binary32": "span 60 > 24", "binary16": "span 60 > 11",
                    "bfloat16": "span 60 > 8"}}
    assert cases["not dyadic"].to_json()["reason"] == "input row 1, column 1 (1/3) is not dyadic"
    words = {k: (a.summary("binary64"), a.summary("int64")) for k, a in cases.items()}
    assert words == {
        "fits all floats": ("yes: span 8 <= 53", "yes: span 8 <= 63"),
        "binary32 and up": ("yes: span 24 <= 53", "yes: span 24 <= 63"),
        "int64 only": ("no: span 60 > 53", "yes: span 60 <= 63"),
        "neither": ("no: span 70 > 53", "no: span 70 > 63"),
        "weight not binary64": (f"no: {third}", "yes: span 53 <= 63"),
        "not dyadic": ("no: input row 1, column 1 (1/3) is not dyadic",) * 2,
        "weight too wide for int64": ("yes: span 50 <= 53", "no: a scaled weight needs more than 63 bits"),
    }
    assert Arithmetic.not_dyadic("x").binary64 is False and Arithmetic.not_dyadic("x").int64 is False


def test_every_name_of_a_format_reads_its_own_verdict():
    """summary("float64") once fell through to the int64 verdict."""
    from exactnet.verifier.span import Grids, verdict

    a = verdict((20, 60), Grids(0, (0, 3), (0, 3)), [([[1]], [0]), ([[1]], [0])], {})
    assert a.summary("float64") == a.summary("binary64") == "no: span 60 > 53"
    assert a.summary("float32") == "no: span 60 > 24" and a.summary("float16") == "no: span 60 > 11"
    assert a.holds("float64") is False and a.holds("int64") is True and a.holds("rational") is True
    with pytest.raises(ValueError, match="unknown arithmetic 'float8'"):
        a.holds("float8")


def test_a_layer_past_a_formats_exponent_range_is_not_certified_in_it():
    from exactnet.verifier.span import Grids, verdict

    coarse = Grids(-10, (0, 0), (-10, -10))  # numbers are multiples of 2^10: span 8 reaches 2^18 > 65504
    a = verdict((8, 8), coarse, [([[1]], [0]), ([[1]], [0])], {})
    assert a.holds("bfloat16") and a.holds("binary32") and not a.holds("binary16")
    assert "exponent range" in a.summary("binary16")
    fine = Grids(30, (0, 0), (30, 30))  # multiples of 2^-30: below float16's smallest subnormal 2^-24
    assert not verdict((8, 8), fine, [([[1]], [0]), ([[1]], [0])], {}).holds("binary16")


def test_prefix_thresholds_are_the_first_and_last_integer_where_a_unit_is_on():
    from exactnet.verifier.prefix import _sigma, _tau

    for a in [1, 2, 3, 7, 2**70 + 1]:
        for b in [-2**80 - 3, -10, -7, -1, 0, 1, 2, 6, 7, 2**75 + 5]:
            tau, sigma = _tau(a, b), _sigma(-a, b)
            assert type(tau) is int and type(sigma) is int
            assert a * tau + b > 0 >= a * (tau - 1) + b  # on from tau on, off just before
            assert -a * sigma + b > 0 >= -a * (sigma + 1) + b  # on up to sigma, off just after


def test_the_piecewise_path_reports_progress_in_points():
    data = integer_data(10, 2, 3)
    net = exactnet.build(data)
    seen = []
    cert = verify(net, data, progress=lambda done, total: seen.append((done, total)))
    assert cert.engine == "piecewise" and seen == [(10, 10)]
    from exactnet.verifier.piecewise import outputs

    seen.clear()
    got: list = []
    for y in outputs(net, data.X, lambda done, total: seen.append((done, total, len(got))), every=4):
        got.append(y)
    assert seen == [(4, 10, 4), (8, 10, 8), (10, 10, 10)]  # each call after that many outputs


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_tree_summed_last_layer_gives_the_row_evaluators_certificate(monkeypatch, jobs):
    import importlib

    module = importlib.import_module("exactnet.verifier.general")
    data = integer_data(60, 3, 7)
    net = exactnet.build(data)
    cases = [net, _tamper(net, 2, 0, 3, Q(1, 2**100)), _tamper(net, 1, 2, 1, Q(-1, 2**100))]
    want = [verify(n, data, engine="python") for n in cases]
    monkeypatch.setattr(module, "_tree_pays", lambda row, D: True)  # every row of the last layer by the tree
    for n, w in zip(cases, want):
        got = verify(n, data, engine="flint", jobs=jobs)
        assert (got.exact, got.max_error, got.failed, got.failures) == (w.exact, w.max_error, w.failed, w.failures)
    assert not want[1].exact and not want[2].exact and want[0].exact


def test_the_general_evaluator_reports_progress_in_points(monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("exactnet.verifier.general"), "BLOCK", 4)
    data = integer_data(10, 2, 3)
    net = exactnet.build(data)
    seen: list[tuple[int, int]] = []
    for engine in ("flint", "python"):
        seen.clear()
        assert verify(net, data, engine=engine, progress=lambda done, total: seen.append((done, total))).exact
        assert seen == [(4, 10), (8, 10), (10, 10)]
    seen.clear()
    from exactnet.verifier.general import evaluate_all

    assert evaluate_all(net, data.X, progress=lambda done, total: seen.append((done, total))) == \
        [tuple(Fraction(int(v.numerator), int(v.denominator)) for v in y) for y in data.Y]
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_the_tree_sum_handles_a_single_layer_and_an_all_zero_output_row(monkeypatch):
    import importlib

    from exactnet.data.dataset import Dataset

    monkeypatch.setattr(importlib.import_module("exactnet.verifier.general"), "_tree_pays", lambda row, D: True)
    X = [(Q(1, 3), Q(-2)), (Q(5), Q(7, 2)), (Q(0), Q(-1, 9))]
    one = Network((Layer(((Q(2, 7), Q(-3)), (Q(0), Q(0))), (Q(1, 5), Q(0)), "linear"),))
    two = Network((Layer(((Q(1), Q(-1, 3)), (Q(2), Q(5))), (Q(0), Q(-1)), "relu"),
                   Layer(((Q(3, 4), Q(-2)), (Q(0), Q(0))), (Q(7), Q(0)), "linear")))
    for net in (one, two):
        want = [tuple(v) for v in evaluate_all(net, X, engine="python")]
        assert [tuple(v) for v in evaluate_all(net, X, engine="flint")] == want
        data = Dataset.from_rows(X, [list(w) for w in want])
        assert verify(net, data, engine="flint").exact
        assert all(w[1] == 0 for w in want)  # the all-zero row
