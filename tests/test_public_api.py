"""The public API: a short sorted list of verbs and types, real signatures, short reprs."""

from __future__ import annotations

import inspect

import exactnet
from exactnet.data.synthetic import integer_data


def test_the_public_names_are_sorted_and_each_is_there():
    assert exactnet.__all__ == sorted(exactnet.__all__, key=lambda n: (n[0].islower(), n))
    assert all(hasattr(exactnet, name) for name in exactnet.__all__)


def test_every_public_function_has_a_real_signature():
    for name in exactnet.__all__:
        obj = getattr(exactnet, name)
        if inspect.isfunction(obj):
            kinds = {p.kind for p in inspect.signature(obj).parameters.values()}
            assert inspect.Parameter.VAR_KEYWORD not in kinds, name
            assert inspect.Parameter.VAR_POSITIONAL not in kinds, name


def test_reprs_are_short_and_say_what_matters():
    data = integer_data(1024, 32, 0)
    net = exactnet.build(data, exact_in="float64")
    cert = exactnet.verify(net, data)
    assert repr(net) == "Network(32 -> 41 -> 49 -> 1, 3,461 parameters, construction='dyadic')"
    assert repr(data) == "Dataset(1,024 points, 32 inputs, 1 output(s), inputs as IntegerRows)"
    assert repr(cert) == "Certificate(exact, 1,024 points, float64 path, exact in: binary64, int64)"
    wide = exactnet.build(integer_data(1024, 32, 0))
    assert len(repr(wide)) < 100  # the layers' thousands of digits stay out of the repr
