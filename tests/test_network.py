import copy
import json

import pytest
from hypothesis import given, settings

from exactnet.errors import NetworkFileError
from exactnet.network import Network
from exactnet.rational import Q
from exactnet.strategies import networks


@settings(max_examples=40, deadline=None)
@given(networks())
def test_json_round_trip_is_exact(net):
    back = Network.from_json(json.loads(json.dumps(net.to_json())))
    assert back == net


def test_save_load_and_evaluate(tmp_path):
    net = Network.from_json({"format": "exactnet.network", "version": 1, "layers": [
        {"weights": [["1", "-1"]], "bias": ["1/2"], "activation": "relu"},
        {"weights": [["3"]], "bias": ["-7/2"], "activation": "linear"},
    ], "meta": {"note": "x"}})
    path = tmp_path / "n.json"
    net.save(path)
    again = Network.load(path)
    assert again == net and again.meta == {"note": "x"}
    assert again([2, 1]) == [Q(1)]  # 3 * relu(2 - 1 + 1/2) - 7/2
    assert again([0, 5]) == [Q(-7, 2)]
    assert again.parameter_count() == 5 and again.widths == [1]


GOOD = {"format": "exactnet.network", "version": 1, "layers": [
    {"weights": [["1", "2"], ["3", "4"]], "bias": ["0", "1"], "activation": "relu"},
    {"weights": [["1", "-1"]], "bias": ["0"], "activation": "linear"},
]}


def _broken(edit):
    obj = copy.deepcopy(GOOD)
    edit(obj)
    return obj


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (_broken(lambda o: o.pop("layers")), "missing key 'layers'"),
        (_broken(lambda o: o.update(version=2)), "version 2 is not supported"),
        (_broken(lambda o: o.update(format="onnx")), "format is 'onnx'"),
        (_broken(lambda o: o["layers"][0].update(activation="tanh")), "layer 1: unknown activation 'tanh'"),
        (_broken(lambda o: o["layers"][0]["weights"][1].__setitem__(0, "abc")), "layer 1, weights[1][0]: not a number"),
        (_broken(lambda o: o["layers"][0]["weights"][1].__setitem__(0, 3)), "expected an exact rational string"),
        (_broken(lambda o: o["layers"][0]["weights"][1].pop()), "layer 1: weights row 1 has 1 entries, expected 2"),
        (_broken(lambda o: o["layers"][0]["bias"].pop()), "layer 1: bias has 1 entries, expected 2"),
        (_broken(lambda o: o["layers"][1]["weights"][0].pop()), "layer 2: takes 1 inputs but layer 1 gives 2"),
        (_broken(lambda o: o["layers"][1].update(activation="relu")), "layer 2: activation 'relu', expected 'linear'"),
        (_broken(lambda o: o["layers"][0].pop("bias")), "layer 1: missing key 'bias'"),
        (_broken(lambda o: o.update(layers=[])), "'layers' must be a non-empty list"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_malformed_networks_are_rejected_with_the_place(obj, message):
    with pytest.raises(NetworkFileError) as e:
        Network.from_json(obj, "net.json")
    assert message in str(e.value)


def test_malformed_files(tmp_path):
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(NetworkFileError, match="empty file"):
        Network.load(tmp_path / "empty.json")
    with pytest.raises(NetworkFileError, match="not valid JSON"):
        Network.load(tmp_path / "bad.json")
    with pytest.raises(NetworkFileError, match="cannot read"):
        Network.load(tmp_path / "missing.json")
