"""The noise size measure: an exact fit reproduces the data's sum of squares exactly."""

from fractions import Fraction

import pytest

from exactnet.analysis.noise import gaussian_data, noise_fits
from exactnet.errors import ArgumentError


def test_noise_data_is_exact_distinct_and_reproducible():
    a, b = gaussian_data(50, 2, seed=1, decimals=2), gaussian_data(50, 2, seed=1, decimals=2)
    assert a.X == b.X and a.Y == b.Y and len(set(a.X)) == 50
    assert all(v * 100 == int(v * 100) for x in a.X for v in x)


def test_exact_fits_match_the_data_sum():
    fits = noise_fits([30], 3, seed=2)
    assert {f.model for f in fits} == {"two hidden layers", "one hidden layer"}
    for f in fits:
        assert f.exact and f.model_sum == f.data_sum and isinstance(f.model_sum, Fraction)
        assert 5 < f.data_sum < 80  # chi-square with 30 degrees of freedom


def test_bad_sizes():
    with pytest.raises(ArgumentError):
        gaussian_data(0, 3)
    with pytest.raises(ArgumentError):
        gaussian_data(5, 0)
