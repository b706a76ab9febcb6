"""choose_widths: the widths a Theorem 3/4 build uses, the reason it records, and the errors it raises."""

from __future__ import annotations

import pytest

from exactnet.capacity import width_ceiling
from exactnet.construct.widths import Widths, choose_widths
from exactnet.errors import ArgumentError, CapacityError


def test_default_widths_state_the_neurons_the_capacity_and_the_outputs():
    assert choose_widths(5) == Widths(3, 2, "widths 3 x 2: fewest neurons (5) with capacity 6 >= 5 for 1 output")
    assert choose_widths(9, 3, 2).reason == "widths 4 x 7: fewest neurons (11) with capacity 9 >= 9 for 3 outputs"
    assert choose_widths(2, 2).reason.endswith(">= 2 for 2 outputs")


def test_the_input_dimension_breaks_ties_between_equal_neuron_counts():
    assert (choose_widths(5, dim=1).a1, choose_widths(5, dim=100).a1) == (3, 2)  # 3 x 2 vs 2 x 3: 5 neurons each
    with pytest.raises(CapacityError, match="smallest widths that fit: 3 x 5$"):
        choose_widths(5, 3, dim=100, a2=2)  # 5 x 3 in one dimension


def test_one_width_given_names_the_other_and_why():
    assert choose_widths(10, a1=2) == Widths(2, 5, "a2 = 5: the smallest with capacity >= 10 at a1 = 2")
    assert choose_widths(10, a2=4) == Widths(3, 4, "a1 = 3: the smallest with capacity >= 10 at a2 = 4")
    assert choose_widths(1, a1=1) == Widths(1, 1, "a2 = 1: the smallest with capacity >= 1 at a1 = 1")
    assert choose_widths(7, a1=1).a2 == 7  # a1 = 1: a2 must be N itself
    assert choose_widths(7, 3, a1=1).a2 == 17  # (a2 div 3) + (a2 mod 3) reaches 7 first at 17 = 5 * 3 + 2


def test_both_widths_given_are_kept_with_no_reason():
    assert choose_widths(10, a1=3, a2=4) == Widths(3, 4, "")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"points": 0}, "need at least one point, got 0"),
    ({"points": 3, "outputs": 0}, "outputs must be at least 1, got 0"),
    ({"points": 3, "a1": 0}, "a1 must be at least 1, got 0"),
    ({"points": 3, "a2": -1}, "a2 must be at least 1, got -1"),
])
def test_widths_below_one_are_argument_errors_naming_the_width(kwargs, message):
    with pytest.raises(ArgumentError) as caught:
        choose_widths(**kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize("name", ["a1", "a2"])
def test_a_width_beyond_the_ceiling_is_refused_before_any_search(name):
    top = width_ceiling(3, 1)
    with pytest.raises(ArgumentError, match=f"--{name} {top + 1}"):
        choose_widths(3, **{name: top + 1})


def test_no_first_width_is_enough_when_the_second_holds_fewer_groups_than_outputs():
    with pytest.raises(CapacityError) as caught:
        choose_widths(5, 3, a2=2)  # a2 < m: capacity a2 = 2 whatever a1 is
    assert str(caught.value) == ("5 points do not fit widths 1 x 2 with 3 output(s): capacity a1*(a2 div m) + "
                                 "(a2 mod m) = 2; smallest widths that fit: 5 x 3")
