"""ONNX files run by onnxruntime: outputs within the a-priori bound of the numpy evaluation,
and the report's runtime error is what onnxruntime gives."""

import numpy as np
import pytest

from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.synthetic import integer_data
from exactnet.export import ExportError, export_network, parse_dtype
from exactnet.export import onnx as onnx_format
from exactnet.export.bound import float_bound
from exactnet.export.dtypes import round_float, to_numpy
from exactnet.export.emulate import float_forward
from exactnet.export.measure import error_stats
from exactnet.export.rounding import round_network
from exactnet.rational import Q
from exactnet.verifier.general import preactivations

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def case():
    data = integer_data(100, 5, 0)
    return build_two_layer(data, seed=0), data


@pytest.mark.parametrize("name", ["float64", "float32", "float16"])
def test_onnxruntime_matches_numpy_within_the_bound(case, name, tmp_path):
    net, data = case
    ft = parse_dtype(name)
    path = tmp_path / "net.onnx"
    report = export_network(net, path, ft, data=data)
    assert report.written and path.exists()
    X = to_numpy([[round_float(v, ft) for v in x] for x in data.X], ft)
    ort_out = onnx_format.run(str(path), X)
    assert ort_out.dtype == ft.dtype
    rounded = round_network(net, ft)
    np_out, _ = float_forward(rounded.arrays, X, rounded.activations)
    bound = float_bound(net, ft, data.X, preactivations(net, data.X))
    for n in range(data.n):
        a, b = float(ort_out[n, 0]), float(np_out[n, 0])
        if np.isfinite(a) and np.isfinite(b):
            assert abs(Q(a) - Q(b)) <= 2 * bound[n, 0]
        else:
            assert bound[n, 0] == float("inf")
    direct = error_stats("ort", ort_out.astype(np.float64).tolist(), data.Y)
    assert report.runtime.max_error == direct.max_error


def test_acceptance_float64_report_equals_onnxruntime(case, tmp_path):
    net, data = case
    report = export_network(net, tmp_path / "net.onnx", "float64", data=data)
    X = np.array([[float(v) for v in x] for x in data.X])
    got = onnx_format.run(str(tmp_path / "net.onnx"), X)[:, 0]
    measured = max(abs(Q(float(g)) - Q(y[0])) for g, y in zip(got, data.Y))
    assert report.runtime is not None and report.runtime.overall == measured  # the report's onnxruntime row
    assert measured <= report.max_error and measured < 1e-4


def test_onnx_rejects_fixed_point_and_unrunnable_types(case, tmp_path):
    net, data = case
    with pytest.raises(ExportError, match="float dtypes"):
        export_network(net, tmp_path / "a.onnx", "fixed:Q32.32")
    try:
        export_network(net, tmp_path / "b.onnx", "bfloat16")
    except ExportError as e:
        assert "onnxruntime cannot run a bfloat16 model" in str(e)
        assert not (tmp_path / "b.onnx").exists()
