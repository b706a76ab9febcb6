import copy
import errno
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from exactnet.data.strategies import networks
from exactnet.errors import NetworkFileError, OutputPathError
from exactnet.files import write_atomic
from exactnet.network import Network
from exactnet.rational import Q


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
        (_broken(lambda o: o.update(meta=[])), "net.json: 'meta' must be an object"),
        (_broken(lambda o: o["layers"].__setitem__(1, [])), "net.json: layer 2: expected an object"),
        (_broken(lambda o: o["layers"][0].update(weights=["1", "2"])), "layer 1: 'weights' must be a non-empty list"),
        (_broken(lambda o: o["layers"][0].update(weights=5)), "layer 1: 'weights' must be a non-empty list of rows"),
        (_broken(lambda o: o["layers"][0].update(weights=[])), "layer 1: 'weights' must be a non-empty list of rows"),
        (_broken(lambda o: o["layers"][0].update(bias="0 1")), "layer 1: 'bias' must be a list"),
        (_broken(lambda o: o["layers"][0]["bias"].__setitem__(1, "x")), "net.json: layer 1, bias[1]: not a number"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_malformed_networks_are_rejected_with_the_place(obj, message):
    with pytest.raises(NetworkFileError) as e:
        Network.from_json(obj, "net.json")
    assert message in str(e.value)


def test_errors_name_the_network_when_no_source_is_given():
    with pytest.raises(NetworkFileError, match="^network: missing key 'layers'"):
        Network.from_json({"format": "exactnet.network", "version": 1})


def test_malformed_files(tmp_path):
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(NetworkFileError, match="empty file"):
        Network.load(tmp_path / "empty.json")
    with pytest.raises(NetworkFileError, match="not valid JSON"):
        Network.load(tmp_path / "bad.json")
    with pytest.raises(NetworkFileError, match="cannot read"):
        Network.load(tmp_path / "missing.json")


def test_load_errors_name_the_file_and_the_cause(tmp_path):
    """Every failure to load is a NetworkFileError naming the file, in one line of bounded length."""
    def message(path):
        with pytest.raises(NetworkFileError) as e:
            Network.load(path)
        return str(e.value)

    assert message(tmp_path) == f"{tmp_path}: is a folder, not a network file"
    missing = tmp_path / ("m" * 200 + ".json")
    text = message(missing)
    assert text.startswith(f"{missing}: cannot read (FileNotFoundError: [Errno 2] No such file")
    assert len(text) == len(f"{missing}: cannot read (FileNotFoundError: )") + 120  # the cause cut at 120
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"format": "caf\xe9"}')
    assert message(latin).startswith(f"{latin}: cannot read (UnicodeDecodeError: 'utf-8' codec")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert message(deep) == f"{deep}: JSON nested too deeply to read"
    huge = tmp_path / "huge.json"
    huge.write_text('{"version": ' + "9" * 5000 + "}")  # beyond Python's digit limit for int()
    cause = message(huge).removeprefix(f"{huge}: not valid JSON (").removesuffix(")")
    assert cause.startswith("Exceeds the limit") and len(cause) == 80
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**GOOD, "version": 2}))
    assert message(wrong) == f"{wrong}: version 2 is not supported (expected 1)"


def test_a_byte_order_mark_is_read_as_utf8(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert Network.load(path) == Network.from_json(GOOD)


def test_save_refuses_what_is_not_a_new_or_regular_file_and_replaces_nothing(tmp_path):
    net = Network.from_json(GOOD)
    data = tmp_path / "data.csv"
    data.write_text("1,2,3\n")
    (tmp_path / "link.json").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    os.mkfifo(tmp_path / "pipe")  # not /dev/null: a wrong write as root would replace it
    cases = [
        (tmp_path / "link.json", "is a symbolic link; give the path of a regular file (nothing is replaced)"),
        (tmp_path, "is a folder; give a file name"),
        (tmp_path / "pipe", "is not a regular file (a device, pipe or socket); nothing is replaced"),
        (data, f"is the input file {data}; give another output path"),
        (tmp_path / "hard.csv", f"is the input file {data}; give another output path"),  # the same file by another name
        (tmp_path / "missing" / "n.json", f"cannot write, folder {tmp_path / 'missing'} does not exist"),
    ]
    for target, reason in cases:
        with pytest.raises(OutputPathError) as e:
            net.save(target, inputs=[data])
        assert str(e.value) == f"{target}: {reason}"
    assert data.read_text() == "1,2,3\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "data.csv", "hard.csv", "link.json", "pipe"]


def test_save_replaces_an_earlier_output_and_writes_beside_a_bare_name(tmp_path, monkeypatch):
    net = Network.from_json(GOOD)
    data = tmp_path / "data.csv"
    data.write_text("1,2,3\n")
    out = tmp_path / "net.json"
    out.write_text("old")
    net.save(out, inputs=[data])  # an existing file that is not an input is replaced
    assert Network.load(out) == net
    monkeypatch.chdir(tmp_path)
    net.save("bare.json", inputs=["data.csv"])
    assert Network.load(tmp_path / "bare.json") == net


def test_write_atomic_gives_the_permissions_open_would(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_write_atomic_renames_a_hidden_temporary_file_from_the_same_folder(tmp_path, monkeypatch):
    renamed = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renamed.append((Path(a), Path(b))), real(a, b)))
    write_atomic(tmp_path / "n.json", b"\x00\x01")
    ((tmp, target),) = renamed
    assert tmp.parent == tmp_path and tmp.name.startswith(".n.json.") and tmp.name.endswith(".tmp")
    assert target == tmp_path / "n.json" and target.read_bytes() == b"\x00\x01"


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch, failure):
    (tmp_path / "n.json").write_text("old")

    def fail(a, b):
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputPathError if isinstance(failure, OSError) else KeyboardInterrupt) as e:
        write_atomic(tmp_path / "n.json", "new")
    if isinstance(failure, OSError):
        assert str(e.value) == f"{tmp_path / 'n.json'}: cannot write (No space left on device)"
    assert [p.name for p in tmp_path.iterdir()] == ["n.json"] and (tmp_path / "n.json").read_text() == "old"


def test_a_folder_without_room_for_the_temporary_file_is_named(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputPathError) as e:
        write_atomic(tmp_path / "n.json", "x")
    assert str(e.value) == f"{tmp_path / 'n.json'}: cannot write (Permission denied)"
