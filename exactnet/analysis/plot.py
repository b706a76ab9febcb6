"""PNG figures for the planner and the noise measure (matplotlib, the optional "plot" extra).

Figures are drawn without pyplot (no global state) and returned as PNG bytes; writing them is
the caller's job. They read the reports' typed row values (ints, the ``widths`` tuple, exact
sums), never their text. Floats appear only here, for drawing.
"""

from __future__ import annotations

import io
from typing import Any

from exactnet.analysis.plan import best_capacity
from exactnet.analysis.report import Report
from exactnet.capacity import one_layer_capacity
from exactnet.errors import ExactnetError


def _figure(ncols: int) -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ExactnetError("plots need matplotlib: pip install 'exactnet[plot]'") from None
    fig = Figure(figsize=(6.2 * ncols, 4.4), dpi=110)
    FigureCanvasAgg(fig)
    return fig, [fig.add_subplot(1, ncols, k + 1) for k in range(ncols)]


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _capacity_curves(ax: Any, max_neurons: int, outputs: int) -> None:
    xs = list(range(2, max_neurons + 1))
    ax.plot(xs, [one_layer_capacity(b) for b in xs], label="one hidden layer: B + 1", color="tab:blue")
    ax.plot(xs, [best_capacity(b, outputs)[0] for b in xs], label="two hidden layers, best split",
            color="tab:red")
    ax.set_xlabel("hidden neurons B")
    ax.set_ylabel("points memorized exactly")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)


def plan_figure(report: Report, outputs: int = 1) -> bytes:
    """Capacity versus neurons (one vs two hidden layers) with the report's rows marked, and a
    second panel: the rows' neurons (``plan_points``) or capacities by split (``plan_budget``)."""
    rows = report.rows
    budget = "best" in report.rows[0]
    max_neurons = max(r["neurons"] for r in rows)
    if not budget:
        two = [r for r in rows if r["layers"] == 2]
        max_neurons = max(8, min(max_neurons, 4 * max(r["neurons"] for r in two)))
    fig, (ax, ax2) = _figure(2)
    _capacity_curves(ax, max(max_neurons, 8), outputs)
    if budget:
        b = rows[0]["neurons"]
        ax.axvline(b, color="gray", ls="--", lw=1)
        best = max(r["capacity"] for r in rows)
        ax.plot([b], [best], "o", color="tab:red")
        ax.set_title(f"capacity versus neurons ({outputs} output(s))")
        two = [r for r in rows if r["layers"] == 2]
        ax2.bar([r["widths"][0] for r in two], [r["capacity"] for r in two],
                color=["tab:red" if r["best"] else "tab:gray" for r in two])
        ax2.axhline(one_layer_capacity(b), color="tab:blue", ls="--", label=f"one hidden layer of {b}")
        ax2.set_xlabel(f"a1 (first hidden layer), a2 = {b} - a1")
        ax2.set_ylabel("points memorized exactly")
        ax2.set_title(f"splits of {b} hidden neurons")
        ax2.legend()
    else:
        n = dict(report.summary)["points"]
        ax.axhline(n, color="gray", ls="--", lw=1, label=f"N = {n:,}")
        for r in rows:
            if r["neurons"] <= max_neurons:
                ax.plot([r["neurons"]], [r["capacity"]], "o",
                        color="tab:red" if r["layers"] == 2 else "tab:blue")
        ax.set_title(f"capacity versus neurons ({outputs} output(s))")
        labels = [r["nodes"] for r in rows]
        ax2.barh(range(len(rows)), [r["neurons"] for r in rows],
                 color=["tab:red" if r["layers"] == 2 else "tab:blue" for r in rows])
        ax2.set_yticks(range(len(rows)), labels)
        ax2.invert_yaxis()
        ax2.set_xscale("log")
        ax2.set_xlim(left=1)
        ax2.set_xlabel("hidden neurons")
        ax2.set_title(f"architectures for {n:,} points")
    ax.legend()
    return _png(fig)


def noise_figure(report: Report) -> bytes:
    """Sum of squares of the outputs on the training inputs versus N (data, constructions, and
    the trained networks of seed 001 at N = 2,500), and neurons used versus N."""
    rows = report.rows
    fig, (ax, ax2) = _figure(2)
    ns = sorted({r["points"] for r in rows})
    data = {r["points"]: float(r["data_sum"]) for r in rows}
    ax.plot(ns, [data[n] for n in ns], "k--", label="data (perfect fit)")
    for model, color, marker in (("two hidden layers", "tab:red", "o"), ("one hidden layer", "tab:blue", "s")):
        sel = [r for r in rows if r["model"] == model]
        if sel:
            ax.plot([r["points"] for r in sel], [float(r["model_sum"]) for r in sel], marker, color=color,
                    label=f"exactnet, {model}", alpha=0.8)
            ax2.plot([r["points"] for r in sel], [r["neurons"] for r in sel], marker + "-", color=color,
                     label=model)
    ax.plot([2500] * 3, [370, 580, 600], "x", color="tab:green", ms=9, label="trained, seed 001 (2-4 x 64)")
    ax.set_xlabel("points N (Gaussian noise)")
    ax.set_ylabel("sum of squares of outputs on training inputs")
    ax.set_title("size measure on noise")
    ax.grid(True, alpha=0.3)
    ax.legend()
    ax2.set_xlabel("points N")
    ax2.set_ylabel("hidden neurons used")
    ax2.set_title("neurons needed to memorize N points")
    ax2.grid(True, alpha=0.3)
    ax2.legend()
    return _png(fig)
