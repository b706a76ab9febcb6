"""C headers compiled by the system compiler: fixed point equals the emulation bit for bit
(saturation counts included), float64 equals numpy's evaluation in the same order."""

import numpy as np
import pytest
from export_helpers import compiler, run_c

from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.dataset import Dataset
from exactnet.data.synthetic import integer_data
from exactnet.export import ExportError, measure, parse_dtype
from exactnet.export.c import header
from exactnet.export.dtypes import round_float, to_numpy
from exactnet.export.emulate import fixed_forward, float_forward
from exactnet.export.rounding import quantize_inputs
from exactnet.network import Layer, Network
from exactnet.rational import Q

pytestmark = pytest.mark.skipif(compiler() is None, reason="no C compiler")


@pytest.fixture(scope="module")
def case():
    data = integer_data(100, 5, 0)
    return build_two_layer(data, seed=0), data


def _fixed_matches(net, data, name, tmp_path):
    report, rounded = measure(net, parse_dtype(name), data)
    fx = report.fixed
    Xq, _ = quantize_inputs(data.X, fx)
    out, saturations = fixed_forward(rounded.arrays, Xq, fx, rounded.activations)
    lines = run_c(header(rounded), [[str(v) for v in x] for x in Xq], tmp_path, fixed=True)
    got = [[int(v) for v in line.split()] for line in lines[:-1]]
    assert got == [[int(v) for v in row] for row in out]
    assert lines[-1] == f"saturations {saturations}" and saturations == report.overflows
    return report


def test_acceptance_auto32_c_equals_the_emulation(case, tmp_path):
    report = _fixed_matches(*case, "fixed:auto32", tmp_path)
    assert report.fixed.total_bits == 32


def test_64_bit_storage(case, tmp_path):
    report = _fixed_matches(*case, "fixed:Q34.30", tmp_path)
    assert report.max_error < 1e-3


def test_saturation_is_counted_and_identical():
    net = Network((
        Layer(((Q(100), Q(-50)), (Q(3, 7), Q(1, 3))), (Q(1, 2), Q(-120)), "relu"),
        Layer(((Q(90), Q(-1, 5)),), (Q(7, 3),), "linear"),
    ))
    X = [(Q(k), Q(-k, 3)) for k in range(-6, 7)]
    data = Dataset.from_rows(X, [net(x) for x in X])
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        report = _fixed_matches(net, data, "fixed:Q8.8", Path(tmp))
    assert report.overflows > 0 and report.max_error > 1


def test_float64_c_equals_numpy_in_the_same_order(case, tmp_path):
    net, data = case
    ft = parse_dtype("float64")
    _, rounded = measure(net, ft)
    X = to_numpy([[round_float(v, ft) for v in x] for x in data.X], ft)
    want, _ = float_forward(rounded.arrays, X, rounded.activations)
    lines = run_c(header(rounded), [[float(v).hex() for v in x] for x in X], tmp_path, fixed=False)
    got = np.array([[float.fromhex(v) for v in line.split()] for line in lines])
    assert np.array_equal(got, want)


def test_c_rejects_half_precision(case):
    net, _ = case
    _, rounded = measure(net, parse_dtype("float16"))
    with pytest.raises(ExportError, match="format c supports"):
        header(rounded)
