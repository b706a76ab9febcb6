"""The capacity planner: exact capacities from the construction's own counts, rows that build."""

import json

import pytest

from exactnet.analysis.bits import synthetic, two_layer_bits
from exactnet.analysis.plan import best_capacity, plan_budget, plan_points, two_layer_candidates
from exactnet.capacity import smallest_two_layer, two_layer_capacity
from exactnet.construct.theorem3 import build_two_layer
from exactnet.errors import ArgumentError
from exactnet.verifier import verify


def test_budget_of_24_neurons_matches_the_depth_versus_width_question():
    r = plan_budget(24, dim=2)
    by_nodes = {row["nodes"]: row for row in r.rows}
    assert by_nodes["24"]["capacity"] == 25 and by_nodes["24"]["layers"] == 1
    assert by_nodes["12 + 12"]["capacity"] == 144 and by_nodes["12 + 12"]["best"]
    assert [row["nodes"] for row in r.rows if row["best"]] == ["12 + 12"]
    assert len(r.rows) == 24  # 23 two-layer splits and one single layer
    assert all(row["neurons"] == 24 for row in r.rows)
    assert by_nodes["12 + 12"]["parameters"] == (2 + 1) * 12 + 13 * 12 + 13


def test_budget_with_several_outputs_uses_theorem_4():
    r = plan_budget(10, outputs=3)
    by_nodes = {row["nodes"]: row for row in r.rows}
    assert by_nodes["5 + 5"]["capacity"] == 5 * 1 + 2
    assert best_capacity(10, 3)[0] == max(row["capacity"] for row in r.rows)


@pytest.mark.parametrize("n, dim", [(1, 1), (2, 3), (9, 5), (50, 2), (101, 3)])
def test_plan_top_row_is_the_smallest_and_builds_and_verifies(n, dim):
    r = plan_points(n, dim=dim, predict_bits=False)
    top = r.rows[0]
    a1, a2 = top["widths"]
    assert (a1, a2) == smallest_two_layer(n, 1, dim)
    assert top["capacity"] == two_layer_capacity(a1, a2) >= n and top["constructive"]
    data = synthetic(n, dim)
    net = build_two_layer(data, a1, a2)
    assert net.widths == [a1, a2] and verify(net, data).exact
    one = r.rows[-1]
    assert one["layers"] == 1 and one["neurons"] == max(n - 1, 1) and one["capacity"] >= n


def test_every_candidate_reaches_n_and_none_has_fewer_neurons_than_the_top():
    for n, m in [(100, 1), (37, 2), (1000, 3)]:
        cands = two_layer_candidates(n, m, 4)
        assert all(two_layer_capacity(*c.widths, m) >= n for c in cands)
        assert all(c.neurons >= cands[0].neurons for c in cands)
        assert len({c.widths for c in cands}) == len(cands)


def test_bits_are_measured_for_small_plans_and_extrapolated_for_large():
    small = two_layer_bits(64, 8, 8, dim=5)
    assert small.method == "measured" and small.bits == build_two_layer(synthetic(64, 5), 8, 8).bit_stats()[
        "largest_bits"]
    big = two_layer_bits(4096, 64, 64, dim=3)
    assert big.method.startswith("extrapolated") and big.bits > small.bits


def test_report_as_csv_and_json():
    r = plan_points(20, dim=2)
    obj = json.loads(json.dumps(r.to_json()))
    assert obj["rows"][0]["capacity"] >= 20 and "bits" in obj["columns"]
    lines = r.to_csv().splitlines()
    assert lines[0].startswith("layers,nodes,neurons,capacity") and len(lines) == len(r.rows) + 1


@pytest.mark.parametrize("kw", [{"points": 0}, {"points": -3}, {"points": 5, "outputs": 0}, {"points": 5, "dim": -1}])
def test_bad_sizes_are_refused(kw):
    with pytest.raises(ArgumentError, match="must be at least 1"):
        plan_points(**kw)
    with pytest.raises(ArgumentError):
        plan_budget(-1)
