"""Shared fixtures: small data files in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from exactnet.synthetic import integer_data


@pytest.fixture
def seed_data():
    """The seed's example shape: 9 points in [0, 100)^5 with integer outputs."""
    return integer_data(9, 5, 0)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("x1,x2,y\n1,2,3\n0.5,-7/3,1\n4,4,-2.25\n10,0,7\n")
    return path
