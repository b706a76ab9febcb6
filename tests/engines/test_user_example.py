"""The README's example of an engine check in a user's own test suite, run as written."""

from __future__ import annotations

import numpy as np

import exactnet
from exactnet import engines
from exactnet.data.synthetic import integer_data


def test_my_engine_stays_exact(tmp_path):
    made = integer_data(200, 4, 9)
    np.savez(tmp_path / "data.npz", X=made.X.array, Y=np.array([[int(v) for v in y] for y in made.Y]))
    data = exactnet.read_data(tmp_path / "data.npz")
    net = exactnet.build(data, exact_in="float32")
    for r in engines.run(net, data, "float32", ["onnxruntime"]):
        assert r.status == "exact", (r.engine, r.wrong, r.first)
