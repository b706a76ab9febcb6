import json
from fractions import Fraction

import numpy as np
import pytest

from exactnet.dataset import Dataset, read
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
