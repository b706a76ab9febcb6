"""Class labels: encoding, class order in the network file, CLI build/verify/inspect round trips."""

import json

import numpy as np
import pytest
from exactnet_cli.main import app
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import exactnet
from exactnet.data.labels import argmax, argmax_hits, class_order, encode, read_labelled
from exactnet.errors import DataError
from exactnet.network import Network
from exactnet.rational import Q

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def write_csv(path, rows, header="x1,x2,label"):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


ROWS = [(0, 0, 10), (1, 0, 2), (0, 1, 2), (3, 5, -1), (2, 2, 10), (7, 1, 2), (4, 4, -1)]


def test_integer_labels_sort_numerically():
    assert class_order([10, "2", 2, -1]) == (-1, 2, 10)
    rows, classes = encode(["10", "2", "-1"], "one-hot")
    assert classes == (-1, 2, 10) and rows == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    assert encode(["10", "2", "-1"], "scalar")[0] == [(2,), (1,), (0,)]


def test_string_labels_sort_as_text():
    rows, classes = encode(["dog", "cat", "1.0", "cat"], "scalar")
    assert classes == ("1.0", "cat", "dog") and rows == [(2,), (1,), (0,), (1,)]


def test_a_label_outside_the_stored_classes_is_named():
    with pytest.raises(DataError, match=r"row 2: label 7 is not one of the network's classes \(1, 2\)"):
        encode(["1", "7"], "one-hot", classes=[1, 2])
    with pytest.raises(DataError, match="row 1: label 'owl'"):
        encode(["owl"], "scalar", classes=["cat", "dog"])


def test_argmax_is_the_unique_largest_entry():
    assert [argmax(r) for r in [(Q(1), Q(3), Q(2)), (Q(3), Q(3), Q(2)), (Q(-1),)]] == [1, None, 0]


def test_bad_labels_are_named():
    with pytest.raises(DataError, match="row 2: label 1.5 is neither"):
        encode([1, 1.5], "one-hot")
    with pytest.raises(DataError, match="row 1: empty label"):
        encode(["  "], "one-hot")
    with pytest.raises(DataError, match="unknown label encoding"):
        encode([1], "two-hot")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=1, max_size=25, unique=True),
       st.data(), st.sampled_from(["one-hot", "scalar"]))
def test_labelled_data_is_memorized_and_argmax_is_the_label(xs, draw, encoding):
    labels = draw.draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=len(xs), max_size=len(xs)))
    Y, classes = encode(labels, encoding)
    net = exactnet.build(xs, Y)
    assert exactnet.verify(net, xs, Y).exact
    outputs = [net(x) for x in xs]
    if encoding == "one-hot":
        assert net.output_dim == len(classes) and argmax_hits(outputs, Y) == len(xs)
    else:
        assert [classes[int(o[0])] for o in outputs] == labels


@pytest.mark.parametrize("encoding", ["one-hot", "scalar"])
def test_cli_round_trip(tmp_path, encoding):
    data = write_csv(tmp_path / "data.csv", ROWS)
    net_path = tmp_path / "net.json"
    result = run("build", data, "--labels", encoding, "-o", net_path, "-q")
    assert result.exit_code == 0, result.output
    assert "classes" in result.output and "fewest neurons" in result.output
    net = Network.load(net_path)
    assert net.meta["classes"] == [-1, 2, 10] and net.meta["labels"] == encoding
    assert net.output_dim == (3 if encoding == "one-hot" else 1)
    result = run("verify", net_path, data, "-q")
    assert result.exit_code == 0, result.output
    assert "exact" in result.output
    assert ("the label on 7 of 7 points" in result.output) == (encoding == "one-hot")
    result = run("inspect", net_path)
    assert result.exit_code == 0 and f"3 (-1, 2, 10), {encoding}" in result.output


def test_cli_counts_argmax_on_a_network_that_is_not_exact(tmp_path):
    data = write_csv(tmp_path / "data.csv", ROWS)
    net_path = tmp_path / "net.json"
    assert run("build", data, "--labels", "one-hot", "-o", net_path, "-q").exit_code == 0
    obj = json.loads(net_path.read_text())
    obj["layers"][-1]["bias"][0] = str(Q(obj["layers"][-1]["bias"][0]) + 2)  # class -1 gains 2 everywhere
    net_path.write_text(json.dumps(obj))
    result = run("verify", net_path, data, "-q")
    assert result.exit_code == 1 and "NOT exact: 7 of 7 points differ" in result.output
    wins = sum(1 for row in ROWS if row[2] != -1)  # every other point's argmax becomes class -1
    assert f"the label on {7 - wins} of 7 points" in result.output


def test_inspect_and_export_read_data_like_the_labelled_network_was_built(tmp_path):
    rows = [(x1, x2, name) for (x1, x2, _), name in zip(ROWS, ["cat", "dog", "owl", "cat", "dog", "dog", "emu"])]
    data = write_csv(tmp_path / "pets.csv", rows)
    net_path = tmp_path / "net.json"
    assert run("build", data, "--labels", "one-hot", "-o", net_path, "-q").exit_code == 0
    result = run("inspect", net_path, "--data", data)
    assert result.exit_code == 0, result.output
    assert "neurons zero on every point" in result.output
    result = run("export", net_path, "-o", tmp_path / "w.npz", "--data", data)
    assert result.exit_code == 0, result.output
    assert "class changes" in result.output


def test_cli_string_labels_and_the_one_hidden_layer_method(tmp_path):
    rows = [(x1, x2, name) for (x1, x2, _), name in zip(ROWS, ["cat", "dog", "owl", "cat", "dog", "dog", "emu"])]
    data = write_csv(tmp_path / "pets.csv", rows)
    net_path = tmp_path / "net.json"
    result = run("build", data, "--labels", "one-hot", "--method", "one-hidden-layer", "-o", net_path, "-q")
    assert result.exit_code == 0, result.output
    net = Network.load(net_path)
    assert net.meta["classes"] == ["cat", "dog", "emu", "owl"] and net.widths == [6]
    result = run("verify", net_path, data, "-q")
    assert result.exit_code == 0 and "the label on 7 of 7 points" in result.output


def test_cli_verify_rejects_an_unknown_label(tmp_path):
    data = write_csv(tmp_path / "data.csv", ROWS)
    net_path = tmp_path / "net.json"
    assert run("build", data, "--labels", "scalar", "-o", net_path, "-q").exit_code == 0
    other = write_csv(tmp_path / "other.csv", [*ROWS[:3], (9, 9, 5)])
    result = run("verify", net_path, other, "-q")
    assert result.exit_code == 2 and "row 5: label 5 is not one of the network's classes" in result.output
    assert result.output.count("error:") == 1


def test_cli_bad_options_exit_2_without_a_file(tmp_path):
    data = write_csv(tmp_path / "data.csv", ROWS)
    out = tmp_path / "net.json"
    for args, message in [
        (["--labels", "two-hot"], "--labels 'two-hot'"),
        (["--labels", "one-hot", "--outputs", "2"], "3 classes gives 3 output(s)"),
        (["--method", "three-hidden-layer"], "--method"),
        (["--method", "one-hidden-layer", "--a1", "2"], "widths --a1, --a2 apply to the two-hidden-layer method only"),
    ]:
        result = run("build", data, "-o", out, "-q", *args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
        assert not out.exists()


def test_conflicting_labels_for_one_input_are_rejected(tmp_path):
    data = write_csv(tmp_path / "data.csv", [(1, 2, "a"), (1, 2, "b")])
    result = run("build", data, "--labels", "one-hot", "-o", tmp_path / "net.json", "-q")
    assert result.exit_code == 2 and "rows 2 and 3 have the same input but different outputs" in result.output


def test_json_and_npz_labels(tmp_path):
    X = [[0, 1], [2, 3], [4, 5]]
    (tmp_path / "d.json").write_text(json.dumps({"X": X, "labels": ["b", "a", "b"]}))
    got = read_labelled(tmp_path / "d.json", "scalar")
    assert got.classes == ("a", "b") and [y[0] for y in got.data.Y] == [1, 0, 1]
    np.savez(tmp_path / "d.npz", X=np.array(X), labels=np.array([3, 1, 3]))
    got = read_labelled(tmp_path / "d.npz", "one-hot")
    assert got.classes == (1, 3) and got.meta() == {"labels": "one-hot", "classes": [1, 3]}
    (tmp_path / "d.npy").write_text("x")
    with pytest.raises(DataError, match="unknown labelled data format '.npy'; use .csv, .json or .npz"):
        read_labelled(tmp_path / "d.npy", "one-hot")


def test_malformed_label_meta_is_a_network_file_error(tmp_path):
    data = write_csv(tmp_path / "data.csv", ROWS)
    net_path = tmp_path / "net.json"
    assert run("build", data, "--labels", "one-hot", "-o", net_path, "-q").exit_code == 0
    obj = json.loads(net_path.read_text())
    obj["meta"]["classes"] = [1, "a", 2]
    net_path.write_text(json.dumps(obj))
    result = run("verify", net_path, data, "-q")
    assert result.exit_code == 2 and "meta 'classes' must be" in result.output
