import json
import os
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from exactnet.data.dataset import Dataset, exact_rows
from exactnet.data.integer_rows import IntegerRows
from exactnet.data.readers import by_extension, json_lists, load_json, read
from exactnet.errors import DataError


def test_csv_with_header_is_exact(csv_file):
    data = read(csv_file)
    assert data.n == 4 and data.dim == 2 and data.outputs == 1
    assert data.X[1] == (Fraction(1, 2), Fraction(-7, 3))
    assert data.Y[2] == (Fraction(-9, 4),)


def test_csv_without_header_and_several_outputs(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("1,2,3,4\n5,6,7,8\n")
    data = read(p, outputs=2)
    assert data.X == ((1, 2), (5, 6)) and data.Y == ((3, 4), (7, 8))


def test_npz_floats_keep_their_binary_value(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, X=np.array([[0.1, 1.0], [0.2, 2.0]]), Y=np.array([0.3, 0.4]))
    data = read(p)
    assert data.X[0][0] == Fraction(0.1) and data.Y[0][0] == Fraction(0.3)


def test_long_double_arrays_keep_every_bit(tmp_path):
    third = np.longdouble(1) / np.longdouble(3)
    p = tmp_path / "d.npz"
    np.savez(p, X=np.array([[third], [2 * third]], dtype=np.longdouble), Y=np.array([third, third]))
    data = read(p)
    assert data.X[0][0] == Fraction(*third.as_integer_ratio()) != Fraction(float(third))
    q = tmp_path / "d.npy"
    np.save(q, np.array([[third, 1]], dtype=np.longdouble))
    assert read(q).X[0][0] == Fraction(*third.as_integer_ratio())


def test_npy_splits_like_csv(tmp_path):
    p = tmp_path / "d.npy"
    np.save(p, np.array([[1, 2, 3], [4, 5, 6]]))
    assert read(p).Y == ((3,), (6,))


def test_json_decimals_are_exact_decimals(tmp_path):
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": [[0.1, 2], ["1/3", 4]], "Y": [1, "-7/2"]}))
    data = read(p)
    assert data.X[0][0] == Fraction(1, 10) and data.X[1][0] == Fraction(1, 3) and data.Y[1][0] == Fraction(-7, 2)


def test_duplicates_with_equal_outputs_are_merged():
    data = Dataset.from_rows([[1, 2], [1, 2], ["2/2", 2.0], [3, 4]], [5, 5, 5, 6])
    assert data.n == 2 and data.merged == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3\n1,2,4\n", "rows 1 and 2 have the same input but different outputs"),
        ("1,2,3\n1,nan,4\n", "row 2, input column 2: not a finite number"),
        ("1,2,3\n1,inf,4\n", "row 2, input column 2: not a finite number"),
        ("1,2,3\n1,2\n", "row 2: 1 input values, expected 2 (ragged rows)"),
        ("a,b,y\n1,2,3\n1,x,4\n", "row 3, input column 2: not a number: 'x'"),
        ("", "no data rows"),
        ("a,b,y\n", "no data rows"),
        ("5\n", "row 1: 1 columns, need at least 2"),
    ],
)
def test_bad_csv_names_what_and_where(tmp_path, text, message):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(DataError) as e:
        read(p)
    assert message in str(e.value) and str(p) in str(e.value)


def test_bad_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read(tmp_path / "missing.csv")
    (tmp_path / "d.txt").write_text("1,2\n")
    with pytest.raises(DataError, match="unknown data format"):
        read(tmp_path / "d.txt")
    (tmp_path / "d.json").write_text("{not json")
    with pytest.raises(DataError, match="not valid JSON"):
        read(tmp_path / "d.json")
    np.savez(tmp_path / "d.npz", A=np.zeros((2, 2)))
    with pytest.raises(DataError, match="missing array"):
        read(tmp_path / "d.npz")
    (tmp_path / "e.npz").write_bytes(b"garbage")
    with pytest.raises(DataError, match="not a zip archive"):
        read(tmp_path / "e.npz")


def test_shape_errors():
    with pytest.raises(DataError, match="2 input rows but 1 output rows"):
        Dataset.from_rows([[1], [2]], [1])
    with pytest.raises(DataError, match="no data rows"):
        Dataset.from_rows([], [])


def test_digest_depends_on_exact_values():
    a = Dataset.from_rows([[1, 2]], [3])
    b = Dataset.from_rows([["1", "2.0"]], ["6/2"])
    c = Dataset.from_rows([[1, 2]], [Fraction(3) + Fraction(1, 10**30)])
    assert a.digest() == b.digest() != c.digest()


def _npz_with_member(p, name, payload):
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(name, payload)


BAD_FILES = [  # (file name, how to write it, the message after "{path}: ")
    ("d", lambda p: p.write_text("1,2\n"), "unknown data format '(no extension)'; use .csv, .npz, .npy or .json"),
    ("d.TXT", lambda p: p.write_text("1,2\n"), "unknown data format '.txt'; use .csv, .npz, .npy or .json"),
    ("latin.csv", lambda p: p.write_bytes(b"1,2\n3,\xe9\n"), "not a UTF-8 text file"),
    ("wide.csv", lambda p: p.write_text("1," + "9" * 200_000 + "\n"),
     "not a CSV file (field larger than field limit (131072))"),
    ("mixed.csv", lambda p: p.write_text("1,b,c,4\n"), "row 1, column 2: 'b' is not a number but other cells of the"
     " row are; a header row has no number in it, a data row only numbers"),
    ("nan.csv", lambda p: p.write_text("NaN,1,2\n"), "row 1, input column 1: not a finite number: 'NaN'"),
    ("inf.csv", lambda p: p.write_text("-Infinity,x,2\n3,4,5\n"),  # -Infinity counts as a number here
     "row 1, column 2: 'x' is not a number but other cells of the row are; a header row has no number in it, a"
     " data row only numbers"),
    ("plus.csv", lambda p: p.write_text("+inf,1,2\n"), "row 1, input column 1: not a finite number: '+inf'"),
    ("infinity.csv", lambda p: p.write_text("Infinity,1,2\n"),
     "row 1, input column 1: not a finite number: 'Infinity'"),
    ("latin.json", lambda p: p.write_bytes(b'{"X": [["caf\xe9"]]}'), "not a UTF-8 text file"),
    ("huge.csv", lambda p: p.write_text("1e99999999,1,2\n"),
     "row 1, input column 1: exponent '99999999' of '1e99999999' is beyond the limit of +-1,000,000"),
    ("short.csv", lambda p: p.write_text("a,b,y\n1,2,3\n5\n"),
     "row 3: 1 columns, need at least 2 (1 output column(s) and one input)"),
    ("deep.json", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "JSON nested too deeply to read"),
    ("list.json", lambda p: p.write_text("[1, 2]"), 'expected an object {"X": [...], "Y": [...]}'),
    ("half.json", lambda p: p.write_text('{"X": []}'), 'expected an object {"X": [...], "Y": [...]}'),
    ("kinds.json", lambda p: p.write_text('{"X": 1, "Y": []}'), "X and Y must be lists"),
    ("row.json", lambda p: p.write_text('{"X": [1], "Y": [1]}'), "X row 1 is not a list"),
    ("flat.npy", lambda p: np.save(p, np.arange(3.0)), "expected a 2-d array, found shape (3,)"),
    ("narrow.npy", lambda p: np.save(p, np.zeros((2, 1))), "row 1: 1 columns, need at least 2 (1 output column(s)"
     " and one input)"),
    ("junk.npy", lambda p: p.write_bytes(b"garbage and more"), "not a NumPy .npy array (the file starts with"
     " b'garbag')"),
    ("objects.npy", lambda p: np.save(p, np.array([[1, None]], dtype=object)), "cannot read as .npy (it holds"
     " Python objects (dtype object), which are not loaded; save numeric arrays)"),
    ("junk.npz", lambda p: p.write_bytes(b"PK\x03\x04 but not a zip"), "cannot read as .npz (BadZipFile: File is"
     " not a zip file)"),
    ("empty.npz", lambda p: np.savez(p), "missing array(s) X, Y; found none"),
    ("other.npz", lambda p: np.savez(p, A=np.zeros(2), B=np.zeros(2)), "missing array(s) X, Y; found A, B"),
    ("objects.npz", lambda p: np.savez(p, X=np.array([[1, None]], dtype=object), Y=np.zeros(1)),
     "array X: it holds Python objects (dtype object), which are not loaded; save numeric arrays"),
    ("x1d.npz", lambda p: np.savez(p, X=np.zeros(2), Y=np.zeros(2)), "X must be 2-d (N x d), found shape (2,)"),
    ("y3d.npz", lambda p: np.savez(p, X=np.zeros((2, 1)), Y=np.zeros((2, 1, 1))),
     "Y must be 1-d or 2-d, found shape (2, 1, 1)"),
    ("broken.npz", lambda p: _npz_with_member(p, "X.npy", b"\x93NUMPY broken"),
     "missing array(s) Y; found X"),
]


@pytest.mark.parametrize(("name", "write", "reason"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_gets_one_line_naming_it_and_the_reason(tmp_path, name, write, reason):
    p = tmp_path / name
    write(p)
    with pytest.raises(DataError) as e:
        read(p)
    assert str(e.value) == f"{p}: {reason}"


def test_what_is_not_a_file_is_named(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")  # not /dev/null: a wrong write as root would replace it
    for path, reason in ((tmp_path, "is a folder, not a data file"), (tmp_path / "pipe.csv", "is not a regular file"),
                         (tmp_path / "gone.csv", "no such file")):
        with pytest.raises(DataError) as e:
            read(path)
        assert str(e.value) == f"{path}: {reason}"


def test_a_corrupt_member_of_an_npz_is_named_with_numpys_reason(tmp_path):
    p = tmp_path / "d.npz"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("X.npy", b"\x93NUMPY broken")
        z.writestr("Y.npy", b"\x93NUMPY broken")
    with pytest.raises(DataError) as e:
        read(p)
    assert str(e.value).startswith(f"{p}: array X: ValueError: ")


@pytest.mark.parametrize(("readers", "accepted"), [((".csv",), ".csv"), ((".csv", ".npz"), ".csv or .npz")])
def test_the_readers_accepted_are_listed(readers, accepted):
    with pytest.raises(DataError) as e:
        by_extension(Path(__file__), dict.fromkeys(readers, str), what="label")
    assert str(e.value) == f"{Path(__file__)}: unknown label format '.py'; use {accepted}"


def test_a_byte_order_mark_is_not_part_of_the_first_cell(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf1,2,3\n")
    assert read(p).X == ((1, 2),)


def test_json_integers_are_exact_at_any_size_and_python_ints_on_request(tmp_path):
    p = tmp_path / "d.json"
    digits = "1" + "0" * 4999 + "1"  # 10^5000 + 1: beyond Python's int() digit limit
    p.write_text('{"X": [[' + digits + ']], "Y": [1]}')
    assert read(p).X[0][0] == 10**5000 + 1
    q = tmp_path / "labels.json"
    q.write_text('{"a": 3, "b": 0.5}')
    assert load_json(q, exact_ints=False) == {"a": 3, "b": "0.5"} and load_json(q) == {"a": "3", "b": "0.5"}
    q.write_text('{"X": [1, 2]}')
    assert json_lists(q, ["X"], exact_ints=False) == [[1, 2]] and json_lists(q, ["X"]) == [["1", "2"]]
    q.write_text('{"a": ' + digits + "}")
    with pytest.raises(DataError) as e:
        load_json(q, exact_ints=False)
    cause = str(e.value).removeprefix(f"{q}: not valid JSON (").removesuffix(")")
    assert cause.startswith("Exceeds the limit") and len(cause) == 80


def _write_rows(p, rows):
    """Rows of two inputs and one output, in the format p's suffix names."""
    if p.suffix == ".csv":
        p.write_text("".join(",".join(map(str, r)) + "\n" for r in rows))
    elif p.suffix == ".npy":
        np.save(p, np.array(rows))
    elif p.suffix == ".npz":
        np.savez(p, X=np.array(rows)[:, :2], Y=np.array(rows)[:, 2])
    else:
        p.write_text(json.dumps({"X": [r[:2] for r in rows], "Y": [r[2] for r in rows]}))


@pytest.mark.parametrize(("suffix", "number"), [(".csv", int), (".npy", int), (".npy", float), (".npz", int),
                                               (".npz", float), (".json", int)])
def test_every_reader_merges_equal_rows_unless_told_not_to_and_names_its_file(tmp_path, suffix, number):
    """Integer arrays take the array path (IntegerRows), float arrays the row path: both merge,
    keep and name alike."""
    p = tmp_path / f"d{suffix}"
    rows = [[number(v) for v in r] for r in [[1, 2, 3], [4, 5, 6], [1, 2, 3]]]
    _write_rows(p, rows)
    merged, kept = read(p), read(p, merge=False)
    assert (merged.n, merged.merged) == (2, 1) and (kept.n, kept.merged) == (3, 0)
    assert list(kept.X) == [(1, 2), (4, 5), (1, 2)]
    rows[2][2] = number(7)  # the same input with another output
    _write_rows(p, rows)
    with pytest.raises(DataError) as e:
        read(p)
    assert str(e.value) == f"{p}: rows 1 and 3 have the same input but different outputs (3 vs 7)"


def test_integer_npy_files_stay_one_array_split_by_the_outputs(tmp_path):
    p = tmp_path / "d.npy"
    np.save(p, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int16))
    one, two = read(p), read(p, outputs=2)
    assert isinstance(one.X, IntegerRows) and one.X == [(1, 2), (4, 5)] and one.Y == ((3,), (6,))
    assert isinstance(two.X, IntegerRows) and two.X == [(1,), (4,)] and two.Y == ((2, 3), (5, 6))
    np.save(p, np.array([[1, 2], [4, 5]], dtype=np.int16))
    with pytest.raises(DataError) as e:
        read(p, outputs=2)
    assert str(e.value) == f"{p}: row 1: 2 columns, need at least 3 (2 output column(s) and one input)"
    with pytest.raises(DataError) as e:
        read(p, outputs=0)
    assert str(e.value) == f"{p}: outputs must be at least 1, got 0"
    np.save(p, np.array([[1.5, 2, 3]]))
    assert not isinstance(read(p).X, IntegerRows) and read(p).X == ((Fraction(3, 2), 2),)


def test_output_errors_name_the_source_row_and_column():
    def message(X, Y, **where):
        with pytest.raises(DataError) as e:
            Dataset.from_rows(X, Y, **where)
        return str(e.value)

    assert message([], []) == "data: no data rows"
    assert message([[1], [2]], [1, "x"], first_row=5) == "data: row 6, output column 1: not a number: 'x'"
    assert message([[1], [2]], [[1, 2], [3]], source="f.csv", first_row=5) == (
        "f.csv: row 6: 1 output values, expected 2 (ragged rows)")
    assert message([[1], [2]], [[], []], source="f.csv", first_row=5) == "f.csv: row 5: no output columns"
    assert message([[1], [1]], [[1, 2], [1, 3]]) == (
        "data: rows 1 and 2 have the same input but different outputs (1, 2 vs 1, 3)")


def test_wide_floats_keep_every_bit_in_any_shape():
    third = np.longdouble(1) / np.longdouble(3)
    exact = Fraction(*third.as_integer_ratio())
    assert exact_rows(np.array([third, 2 * third])) == [third, 2 * third]
    assert [Fraction(*v.as_integer_ratio()) for v in exact_rows(np.array([third]))] == [exact]
    assert [[Fraction(*v.as_integer_ratio()) for v in r] for r in exact_rows(np.array([[third]]))] == [[exact]]
    assert exact_rows(np.array([[0.5, 1.0]])) == [[0.5, 1.0]] and type(exact_rows(np.array([[0.5]]))[0][0]) is float
    assert exact_rows(np.array([[1 + 2j]])) == [[1 + 2j]]
