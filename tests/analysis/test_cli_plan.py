"""exactnet plan / noise / approx on the command line: tables, CSV, JSON, plots, bad input."""

import csv
import io
import json

import pytest
from exactnet_cli.main import app
from typer.testing import CliRunner

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_plan_neurons_table_shows_the_best_split():
    result = run("plan", "--neurons", "24")
    assert result.exit_code == 0, result.output
    assert "12 + 12" in result.output and "144" in result.output and "25 points" in result.output


def test_plan_points_json_and_csv():
    result = run("plan", "--points", "30", "--dim", "3", "-f", "json")
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert obj["rows"][0]["capacity"] >= 30 and obj["rows"][-1]["layers"] == 1
    result = run("plan", "--points", "30", "-f", "csv", "--no-bits")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert result.exit_code == 0 and int(rows[0]["capacity"]) >= 30 and rows[0]["bits"] == ""


def test_plan_plot_writes_a_png(tmp_path):
    for args in (["--neurons", "12"], ["--points", "50"]):
        png = tmp_path / "plan.png"
        result = run("plan", *args, "--plot", png)
        assert result.exit_code == 0, result.output
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, message", [
    (["--points", "-3"], "points must be at least 1"),
    (["--neurons", "0"], "neurons must be at least 1"),
    (["--points", "5", "--outputs", "0"], "outputs must be at least 1"),
    (["--points", "5", "--neurons", "5"], "exactly one of"),
    ([], "exactly one of"),
    (["--points", "5", "-f", "xml"], "--output-format"),
])
def test_plan_bad_arguments_exit_2(args, message, tmp_path):
    png = tmp_path / "p.png"
    result = run("plan", *args, "--plot", png)
    assert result.exit_code == 2 and message in result.output and result.output.count("error:") == 1
    assert not png.exists()


def test_noise_sums_match_and_formats(tmp_path):
    png = tmp_path / "noise.png"
    result = run("noise", "--points", "20", "--points", "40", "--dim", "3", "-f", "json", "--plot", png)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert {r["points"] for r in rows} == {20, 40}
    assert all(r["equal"] and r["exact"] and r["model_sum"] == r["data_sum"] for r in rows)
    assert png.read_bytes()[:4] == b"\x89PNG"
    table = run("noise", "--points", "10", "--dim", "2", "--seed", "3")
    assert table.exit_code == 0 and "370, 580, 600" in table.output


@pytest.mark.parametrize("args, message", [
    (["--points", "-5"], "points must be at least 1"),
    (["--points", "5", "--dim", "0"], "dim must be at least 1"),
    (["--points", "5", "--decimals", "40"], "decimals"),
])
def test_noise_bad_arguments_exit_2(args, message):
    result = run("noise", *args)
    assert result.exit_code == 2 and message in result.output


def test_approx_builds_saves_and_reports(tmp_path):
    net, nodes = tmp_path / "f.json", tmp_path / "nodes.csv"
    result = run("approx", "tanh(2*x)", "--interval", "-1", "1", "--eps", "0.001", "-o", net, "--nodes", nodes,
                 "-f", "json")
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert obj["pieces"] == 80 and obj["verified"] and obj["measured"] <= 0.001
    assert net.exists() and nodes.read_text().startswith("x,y\n-1,")
    check = run("verify", net, nodes)
    assert check.exit_code == 0, check.output
    inspected = run("inspect", net, "--data", nodes, "-f", "json")
    assert inspected.exit_code == 0, inspected.output
    activity = json.loads(inspected.output)[1]
    assert activity["summary"]["linear pieces on the data range"] == 79  # tanh is odd: equal slopes meet at 0


@pytest.mark.parametrize("expr, message", [
    ("__import__('os')", "'__import__' is not allowed"),
    ("x.real", "attribute"),
    ("os.system('ls')", "not allowed"),
    ("y + 1", "the name 'y' is not allowed"),
    ("(lambda: 1)()", "not allowed"),
    ("x**x", "must be an integer literal"),
    ("1 +", "not a valid expression"),
])
def test_approx_refuses_unsafe_or_unknown_expressions(expr, message, tmp_path):
    out = tmp_path / "f.json"
    result = run("approx", expr, "--interval", "0", "1", "--eps", "0.01", "-o", out)
    assert result.exit_code == 2 and message in result.output and result.output.count("error:") == 1
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["log(x)", "--interval", "-1", "1", "--eps", "0.01"], "no finite bound"),
    (["x", "--interval", "1", "0", "--eps", "0.01"], "empty"),
    (["x", "--interval", "0", "1", "--eps", "0"], "eps must be positive"),
    (["x", "--interval", "0", "one", "--eps", "0.1"], "B is not a number"),
    (["sin(x)", "--interval", "0", "1", "--eps", "1e-12"], "pieces would be needed"),
])
def test_approx_bad_requests_exit_2(args, message):
    result = run("approx", *args)
    assert result.exit_code == 2 and message in result.output


def test_plan_exact_in_float16_shows_every_construction_and_what_each_is_exact_in():
    from exactnet.analysis.plan_exact import plan_exact_in

    report = plan_exact_in(300, target="float16")
    rows = {r["construction"]: r for r in report.rows}
    assert set(rows) == {"theorem3", "dyadic", "bucketed (float32)", "bucketed (float16)"}
    assert rows["bucketed (float16)"]["span"] <= 11 and rows["bucketed (float16)"]["span_from"] == "measured"
    assert rows["bucketed (float16)"]["exact"].startswith("float16, float32")
    assert "float32" not in rows["dyadic"]["exact"]  # span 32 at 300 points
    assert dict(report.summary)["exact in float16"].startswith("yes")


def test_plan_with_thousands_of_outputs_answers_in_seconds():
    """plan --points 1000 --outputs 5000 gave no answer after 120 s: every bit measurement built
    networks on 5 million output numbers."""
    from exactnet.analysis.bits import OUTPUTS_MEASURED
    from exactnet.analysis.plan import plan_points

    report = plan_points(1000, 5000, 1, 1)
    assert OUTPUTS_MEASURED < 5000
    rows = {r["by"]: r for r in report.rows}
    assert rows["interpolant"]["bits"] and rows["interpolant"]["capacity"] == 1000
